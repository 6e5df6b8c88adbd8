package dtable.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dtable.server.StorageFixture;
import dtable.storage.StorageException;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The op-log commit latency ({@code dtable_oplog_commit_seconds}): one sample per committed batch, none for a refusal. */
@Tag("integration")
class OperationLogCommitTimeIT {

    @RegisterExtension
    static final StorageFixture.OnMariaDb STORAGE = StorageFixture.onMariaDb();

    @Test
    void everyCommittedBatchRecordsItsCommitTime() throws Exception {
        String uuid = STORAGE.get().newLogBase();
        ConcurrentLinkedQueue<Long> sizes = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Long> commitNanos = new ConcurrentLinkedQueue<>();
        try (OperationLog log = new MysqlOperationLog(STORAGE.get().dataSource, 1, 4, 0, sizes::add, commitNanos::add)) {
            Object instance = new Object();
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (int version = 1; version <= 40; version++) {
                done.add(StorageFixture.appendInsert(log, instance, uuid, version));
            }
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        }

        assertThat(sizes.stream().mapToLong(Long::longValue).sum()).isEqualTo(40);
        assertThat(commitNanos).hasSameSizeAs(sizes).allMatch(nanos -> nanos > 0);
    }

    @Test
    void aBatchThatNeverReachedMysqlRecordsNoCommitTime() {
        ConcurrentLinkedQueue<Long> commitNanos = new ConcurrentLinkedQueue<>();
        DataSource down = (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    throw new SQLException("injected: MySQL unreachable", "08S01");
                });
        try (OperationLog log = new MysqlOperationLog(down, 1, 4, 0, size -> { }, commitNanos::add)) {
            CompletableFuture<Void> done =
                    StorageFixture.appendInsert(log, new Object(), UUID.randomUUID().toString(), 1);

            assertThatThrownBy(() -> done.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isExactlyInstanceOf(StorageException.class);
        }
        assertThat(commitNanos).isEmpty();
    }
}
