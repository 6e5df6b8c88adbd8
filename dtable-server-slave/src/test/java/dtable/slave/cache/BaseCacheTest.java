package dtable.slave.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dtable.core.error.BaseNotFoundException;
import dtable.core.bucket.BaseUuid;
import dtable.model.Base;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BaseCacheTest {

    private final InMemoryLog log = new InMemoryLog();

    @Test
    void cachedRowsStayWithinTheBoundLeastRecentlyUsedFirstOut() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        BaseCache cache = new BaseCache(log.loader(), 1000, 0);
        List<BaseUuid> bases = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            bases.add(log.create(100 + random.nextInt(400)));
        }
        for (int read = 0; read < 300; read++) {
            BaseUuid uuid = bases.get(random.nextInt(bases.size()));
            int rows = cache.read(uuid, ReadLevel.DEFAULT, Base::rowCount).value();
            assertThat(rows).isEqualTo(log.owner(uuid).rowCount());
            assertThat(cache.cachedRows()).as("seed %d", seed).isLessThanOrEqualTo(1000)
                    .isEqualTo(cache.entries().stream().mapToLong(BaseCache.Entry::rows).sum());
            List<BaseCache.Entry> entries = cache.entries();
            assertThat(entries.getLast().dtableUuid()).as("just read = most recently used").isEqualTo(uuid.value());
        }
    }

    @Test
    void evictsTheLeastRecentlyUsedBase() {
        BaseCache cache = new BaseCache(log.loader(), 250, 0);
        BaseUuid a = log.create(100);
        BaseUuid b = log.create(100);
        BaseUuid c = log.create(100);
        cache.read(a, ReadLevel.DEFAULT, Base::version);
        cache.read(b, ReadLevel.DEFAULT, Base::version);
        cache.read(a, ReadLevel.DEFAULT, Base::version); // b is now the least recently used
        cache.read(c, ReadLevel.DEFAULT, Base::version);

        assertThat(cache.entries()).extracting(BaseCache.Entry::dtableUuid).containsExactly(a.value(), c.value());
        assertThat(cache.cachedRows()).isEqualTo(200);
    }

    @Test
    void aBaseLargerThanTheBoundIsServedAndDropped() {
        BaseCache cache = new BaseCache(log.loader(), 100, 0);
        BaseUuid small = log.create(50);
        BaseUuid huge = log.create(150);
        cache.read(small, ReadLevel.DEFAULT, Base::version);

        assertThat(cache.read(huge, ReadLevel.DEFAULT, Base::rowCount).value()).isEqualTo(150);
        assertThat(cache.entries()).isEmpty(); // the small one went first (LRU), then the huge one itself
        assertThat(cache.cachedRows()).isZero();
        int loads = log.snapshotReads.get();
        cache.read(huge, ReadLevel.STALE, Base::rowCount);
        assertThat(log.snapshotReads.get()).as("every read of it loads it again").isEqualTo(loads + 1);
    }

    @Test
    void defaultCatchesUpWithOneQueryStaleDoesNotQueryAtAll() {
        BaseCache cache = new BaseCache(log.loader(), 10_000, 0);
        BaseUuid uuid = log.create(10);
        cache.read(uuid, ReadLevel.DEFAULT, Base::version);
        long written = log.appendRow(uuid, "new");

        int tails = log.tailReads.get();
        Reading<Integer> stale = cache.read(uuid, ReadLevel.STALE, Base::rowCount);
        assertThat(log.tailReads.get()).isEqualTo(tails);
        assertThat(stale.version()).isEqualTo(written - 1);
        assertThat(stale.value()).isEqualTo(10);
        assertThat(stale.level()).isEqualTo(ReadLevel.STALE);

        Reading<Integer> fresh = cache.read(uuid, ReadLevel.DEFAULT, Base::rowCount);
        assertThat(log.tailReads.get()).isEqualTo(tails + 1);
        assertThat(fresh.version()).isEqualTo(written);
        assertThat(fresh.value()).isEqualTo(11);
    }

    @Test
    void aGapReloadsFromTheSnapshot() {
        BaseCache cache = new BaseCache(log.loader(), 10_000, 0);
        BaseUuid uuid = log.create(10);
        cache.read(uuid, ReadLevel.DEFAULT, Base::version);
        log.appendRow(uuid, "a");
        log.appendRow(uuid, "b");
        log.snapshot(uuid);
        log.purge(uuid);
        long written = log.appendRow(uuid, "c");
        long loads = cache.loads();

        Reading<String> read = cache.read(uuid, ReadLevel.DEFAULT, Base::toJson);

        assertThat(read.version()).isEqualTo(written);
        assertThat(read.value()).isEqualTo(log.owner(uuid).toJson());
        assertThat(cache.loads()).isEqualTo(loads + 1);
    }

    @Test
    void aDeletedBaseIsForgotten() {
        BaseCache cache = new BaseCache(log.loader(), 10_000, 0);
        BaseUuid uuid = log.create(10);
        cache.read(uuid, ReadLevel.DEFAULT, Base::version);
        log.delete(uuid);

        assertThatThrownBy(() -> cache.read(uuid, ReadLevel.DEFAULT, Base::version))
                .isInstanceOf(BaseNotFoundException.class);
        assertThat(cache.entries()).isEmpty();
        assertThat(cache.cachedRows()).isZero();
    }

    @Test
    void theWholeBaseRenderingIsReusedUntilTheVersionMoves() {
        BaseCache cache = new BaseCache(log.loader(), 10_000, 1 << 20);
        BaseUuid uuid = log.create(20);
        byte[] first = cache.document(uuid, ReadLevel.DEFAULT).value();
        assertThat(cache.document(uuid, ReadLevel.DEFAULT).value()).isSameAs(first);
        assertThat(cache.documentBytes()).isEqualTo(first.length);

        log.appendRow(uuid, "new");
        Reading<byte[]> after = cache.document(uuid, ReadLevel.DEFAULT);
        assertThat(after.value()).isNotSameAs(first);
        assertThat(new String(after.value(), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(log.owner(uuid).toJson());
    }

    /**
     * A write acknowledged before a read starts is visible to it, with readers of several bases and a
     * writer per base running at once (the writer plays the owner: it logs, then acknowledges).
     */
    @Test
    void everyReadReflectsWhatWasAcknowledgedBeforeItStarted() throws Exception {
        BaseCache cache = new BaseCache(log.loader(), 10_000, 1 << 20);
        List<BaseUuid> bases = List.of(log.create(5), log.create(5), log.create(5));
        long[] acknowledged = new long[bases.size()];
        ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> tasks = new ArrayList<>();
            for (int b = 0; b < bases.size(); b++) {
                int index = b;
                tasks.add(pool.submit(() -> {
                    for (int i = 0; i < 200; i++) {
                        long v = log.appendRow(bases.get(index), "w" + i);
                        synchronized (acknowledged) {
                            acknowledged[index] = v;
                        }
                    }
                }));
                for (int r = 0; r < 2; r++) {
                    tasks.add(pool.submit(() -> {
                        for (int i = 0; i < 200; i++) {
                            long before;
                            synchronized (acknowledged) {
                                before = acknowledged[index];
                            }
                            Reading<Integer> read = cache.read(bases.get(index), ReadLevel.DEFAULT, Base::rowCount);
                            if (read.version() < before || read.value() != 5 + read.version()) {
                                violations.add("base " + index + ": read version " + read.version() + " rows "
                                        + read.value() + " after ack of " + before);
                            }
                        }
                    }));
                }
            }
            for (Future<?> task : tasks) {
                task.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(violations).isEmpty();
    }
}
