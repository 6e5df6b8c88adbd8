package dtable.clustertest;

import dtable.core.bucket.BaseUuid;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the scenario clients ({@link HttpWriter}, {@link SocketWriter}) share: which base they write with
 * which token, a unique payload per write, pacing, the stop flag and recording a client-visible error.
 * Each runs on its own thread until {@link #stop()}.
 */
abstract class ClientWriter implements Runnable {

    protected final History history;
    protected final BaseUuid base;
    protected final String token;
    protected final String clientId;
    private final long pauseMillis;
    private final AtomicBoolean running = new AtomicBoolean(true);
    /** Writer thread only. */
    private long counter;

    ClientWriter(History history, BaseUuid base, String token, String clientId, long pauseMillis) {
        this.history = history;
        this.base = base;
        this.token = token;
        this.clientId = clientId;
        this.pauseMillis = pauseMillis;
    }

    void stop() {
        running.set(false);
    }

    protected final boolean running() {
        return running.get();
    }

    /** A payload no other write of the run carries. */
    protected final String nextPayload() {
        return Payloads.next(clientId, ++counter);
    }

    /** The pause between two writes. */
    protected final void pace() {
        pause(pauseMillis);
    }

    /** Records {@code payload}'s write (sent at {@code sent}) as a client-visible error of {@code kind}. */
    protected final void error(String payload, String kind, String detail, long sent) {
        long at = history.now();
        history.error(new History.ClientError(base.value(), clientId, payload, kind, detail, at, at - sent));
    }

    protected static void pause(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis); // pacing of a client, not a wait for an event
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
