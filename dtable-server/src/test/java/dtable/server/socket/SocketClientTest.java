package dtable.server.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dtable.model.stored.LoggedOperation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The room session's sender against a recording {@link Transport}: what a client is told, in which
 * order, independent of framing. No network, no database: the catch-up source is an in-memory log.
 */
class SocketClientTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String UUID = "0a6b2c1d-0000-4000-8000-000000000001";

    /** Records every call as one line. */
    static final class RecordingTransport implements Transport {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final CountDownLatch release = new CountDownLatch(1);
        volatile boolean blocked;
        /** Set when two calls ran at the same time (the transport is called one call at a time). */
        volatile boolean overlapped;
        /** The threads that called joined or presence. */
        final Set<Thread> senders = ConcurrentHashMap.newKeySet();
        private final AtomicBoolean inCall = new AtomicBoolean();
        /** The transport's event loop ({@link Transport#loop()}); null: the client drains on virtual threads. */
        volatile Executor loop;
        volatile boolean backedUp;
        /** The name of the thread that sent each update, in order ("loop" for {@link #loop}). */
        final List<String> updateThreads = new CopyOnWriteArrayList<>();

        @Override
        public Executor loop() {
            return loop;
        }

        @Override
        public boolean backedUp() {
            return backedUp;
        }

        @Override
        public void joined(String dtableUuid, long version) throws InterruptedException {
            senders.add(Thread.currentThread());
            calls.add("joined " + version);
            if (blocked) {
                release.await();
            }
        }

        @Override
        public void update(long version, String operationJson, String author) {
            calls.add("update " + version + " " + operationJson);
            updateThreads.add(Thread.currentThread().getName());
        }

        @Override
        public void ack(long ref, long version) {
            calls.add("ack #" + ref + " " + version);
        }

        @Override
        public void refuse(Long ref, String errorType, String message) {
            calls.add("refuse #" + ref + " " + errorType);
        }

        @Override
        public void presence(String event, String username) {
            senders.add(Thread.currentThread());
            if (!inCall.compareAndSet(false, true)) {
                overlapped = true;
            }
            calls.add(event + " " + username);
            Thread.onSpinWait();
            inCall.set(false);
        }

        @Override
        public void event(String event, Object data) {
            calls.add("event " + event);
        }

        @Override
        public void end(Ending ending) {
            calls.add("end " + ending.reason() + (ending.nodeUrl() == null ? "" : " " + ending.nodeUrl()));
        }

        @Override
        public boolean isOpen() {
            return true;
        }
    }

    /** What the client under test is told; a fresh one per test, like {@link #log}. */
    private final RecordingTransport transport = new RecordingTransport();

    /** An operation_log in memory, versions 1..n; the sender reads it while the test appends. */
    private final List<LoggedOperation> log = new CopyOnWriteArrayList<>();

    private List<LoggedOperation> read(String uuid, long after, int limit) {
        return log.stream().filter(op -> op.version() > after).limit(limit).toList();
    }

    private ObjectNode op(long version) {
        ObjectNode op = JSON.createObjectNode().put("op_type", "modify_row").put("n", version);
        log.add(new LoggedOperation(version, 0, "a@x", "socket", JSON.writeValueAsString(op)));
        return op;
    }

    private static String update(long version) {
        return "update " + version + " {\"op_type\":\"modify_row\",\"n\":" + version + "}";
    }

    private SocketClient client(int capacity) {
        return new SocketClient(UUID, transport, this::read, capacity);
    }

    private void awaitCalls(int count) {
        await().atMost(Duration.ofSeconds(5)).until(() -> transport.calls.size() >= count);
    }

    /** Waits for as many calls as expected, then asserts they are exactly these, in this order. */
    private void assertCalls(String... expected) {
        awaitCalls(expected.length);
        assertThat(transport.calls).containsExactly(expected);
    }

    @Test
    void joinedFirstThenOthersOperationsAsUpdatesAndTheOwnAsAckInVersionOrder() {
        SocketClient client = client(16);
        Object other = new Object();
        client.start(0);
        client.onOperation(1, op(1), "b", other, 0);
        client.onOperation(2, op(2), "a", client, 7);
        client.onOperation(3, op(3), "b", other, 0);
        assertCalls("joined 0", update(1), "ack #7 2", update(3));
    }

    @Test
    void operationsTheJoinedVersionCoversAreSkippedAndAGapIsFilledFromTheLog() {
        SocketClient client = client(16);
        for (long v = 1; v <= 5; v++) {
            op(v);
        }
        client.start(2);
        client.onOperation(2, JSON.createObjectNode(), "b", null, 0);
        client.onOperation(5, (ObjectNode) JSON.readTree(log.get(4).operation()), "a", client, 9);
        assertCalls("joined 2", update(3), update(4), "ack #9 5");
    }

    @Test
    void syncReplaysWhatTheClientMissedAndTheLiveStreamContinuesWithoutDuplicates() {
        SocketClient client = client(16);
        client.start(0);
        client.onOperation(1, op(1), "b", null, 0);
        client.onOperation(2, op(2), "b", null, 0);
        awaitCalls(3);
        client.sync(0, 2);
        client.onOperation(3, op(3), "b", null, 0);
        assertCalls("joined 0", update(1), update(2), update(1), update(2), update(3));
    }

    @Test
    void aMovedBaseEndsTheSessionWithTheOwnerAndNothingFollows() {
        SocketClient client = client(16);
        client.start(0);
        client.onBaseMoved("http://node-b:5000");
        client.onOperation(1, op(1), "b", null, 0);
        assertCalls("joined 0", "end MOVED http://node-b:5000");
        assertThat(client.isClosing()).isTrue();
    }

    @Test
    void aClientThatFallsBehindIsEndedAsTooSlow() {
        transport.blocked = true;
        SocketClient client = client(2);
        client.start(0);
        for (long v = 1; v <= 4; v++) {
            client.onOperation(v, op(v), "b", null, 0);
        }
        transport.release.countDown();
        assertCalls("joined 0", "end TOO_SLOW");
    }

    @Test
    void aGapTheLogNoLongerHoldsEndsTheSessionWithReload() {
        SocketClient client = client(16);
        client.start(0);
        op(1);
        log.clear(); // retention deleted version 1
        client.onOperation(2, op(2), "b", null, 0);
        assertCalls("joined 0", "end RELOAD");
    }

    @Test
    void refusalsPresenceAndLateAcksGoOutsideTheVersionStream() {
        SocketClient client = client(16);
        client.start(3);
        client.refuse(4L, "table_not_found", "no table");
        client.presence("join-room", "bob");
        client.ackNow(5, 3);
        awaitCalls(4);
        client.end(Ending.of(Ending.Reason.CLOSED, "closed")); // an ending drops what is still queued, so after
        assertCalls("joined 3", "refuse #4 table_not_found", "join-room bob", "ack #5 3",
                "end CLOSED");
    }

    @Test
    void aSessionEndsWhenItsTokenExpires() {
        SocketClient client = client(16);
        client.expireAt(java.time.Instant.now().plusMillis(300));
        client.start(0);
        assertCalls("joined 0", "end TOKEN_EXPIRED");
    }

    @Test
    void anIdleClientHasNoSenderThreadAndOneDrainAtATimeKeepsTheOrder() throws Exception {
        SocketClient client = client(10_000);
        client.start(0);
        awaitCalls(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> liveSenders() == 0);

        // four threads queue at once, as the log writer, socket.io's read threads and the timer may:
        // everything arrives, each thread's events in its own order, and never two drains at once
        int perThread = 500;
        List<Thread> producers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            String name = "p" + t;
            producers.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < perThread; i++) {
                    client.presence(name, Integer.toString(i));
                }
            }));
        }
        for (Thread producer : producers) {
            producer.join();
        }
        awaitCalls(1 + 4 * perThread);
        for (int t = 0; t < 4; t++) {
            String prefix = "p" + t + " ";
            List<String> own = transport.calls.stream().filter(call -> call.startsWith(prefix)).toList();
            assertThat(own).containsExactlyElementsOf(
                    IntStream.range(0, perThread).mapToObj(i -> prefix + i).toList());
        }
        assertThat(transport.overlapped).isFalse();
        await().atMost(Duration.ofSeconds(5)).until(() -> liveSenders() == 0);
    }

    /** Threads that sent to the client and are still alive: none once it is idle (no thread parked per client). */
    private long liveSenders() {
        return transport.senders.stream().filter(Thread::isAlive).count();
    }

    @Test
    void aSendThatTimedOutIsTheSlowConsumerRuleAndOtherFailuresAreNot() {
        assertThat(SocketClient.timedOut(new java.io.IOException(new java.net.SocketTimeoutException("Blocking write timeout"))))
                .isTrue();
        assertThat(SocketClient.timedOut(new java.io.IOException("Blocking write timeout"))).isTrue();
        assertThat(SocketClient.timedOut(new java.io.IOException("Broken pipe"))).isFalse();
        assertThat(SocketClient.timedOut(new IllegalStateException("closed", new java.io.EOFException()))).isFalse();
    }

    /** A transport with an event loop: one platform thread named "loop". */
    private ExecutorService loopOf(RecordingTransport on) {
        ExecutorService loop = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("loop").factory());
        on.loop = loop;
        return loop;
    }

    @Test
    void onATransportsLoopTheSenderRunsThereAndACatchUpFromTheLogMovesOffItInOrder() {
        try (ExecutorService loop = loopOf(transport)) {
            SocketClient client = client(16);
            Object other = new Object();
            client.start(0);
            client.onOperation(1, op(1), "b", other, 0);
            client.onOperation(2, op(2), "b", other, 0);
            assertCalls("joined 0", update(1), update(2));
            op(3);
            op(4);
            client.onOperation(5, op(5), "b", other, 0); // 3 and 4 are only in the log: a gap
            client.onOperation(6, op(6), "b", other, 0);
            awaitCalls(7);
            client.onOperation(7, op(7), "b", other, 0);
            assertCalls("joined 0", update(1), update(2), update(3), update(4), update(5), update(6), update(7));
            assertThat(transport.updateThreads.subList(0, 2)).containsOnly("loop");
            assertThat(transport.updateThreads.subList(2, 4)).as("the catch-up from the log").doesNotContain("loop");
            assertThat(transport.updateThreads.get(6)).as("back on the loop after the catch-up").isEqualTo("loop");
        }
    }

    @Test
    void onATransportsLoopABackedUpClientKeepsItsEventsQueuedUntilWokenAndIsDroppedWhenTheQueueFills() {
        try (ExecutorService loop = loopOf(transport)) {
            SocketClient client = client(4);
            Object other = new Object();
            client.start(0);
            assertCalls("joined 0");
            transport.backedUp = true;
            for (long v = 1; v <= 3; v++) {
                client.onOperation(v, op(v), "b", other, 0);
            }
            // nothing to wait for while the client is backed up: a later wake shows nothing was sent meanwhile
            transport.backedUp = false;
            client.wake();
            assertCalls("joined 0", update(1), update(2), update(3));
            transport.backedUp = true;
            for (long v = 4; v <= 9; v++) { // one drain takes an event and stops; the queue holds 4 more
                client.onOperation(v, op(v), "b", other, 0);
            }
            assertCalls("joined 0", update(1), update(2), update(3), "end TOO_SLOW");
            assertThat(client.isClosed()).isTrue();
        }
    }
}
