package dtable.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dtable.storage.StorageException;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * An append that races {@link LogWriter#stop()}: it passed the "still open" check, then the writer
 * stopped and drained its queue, then the append was queued. Nobody will ever take it; before the fix
 * its caller waited for the write timeout (60 s) and answered {@code outcome_unknown} for an operation
 * that never reached MySQL. It must fail at once as a refusal ("closed").
 */
class LogWriterStopTest {

    /** Never reached: the writer is stopped before anything is queued. */
    private static final DataSource NO_DATABASE = (DataSource) java.lang.reflect.Proxy.newProxyInstance(
            LogWriterStopTest.class.getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                throw new SQLException("no database in this test");
            });

    @Test
    void anAppendQueuedAfterTheFinalDrainFailsAsClosedAtOnce() throws Exception {
        LogWriter writer = new LogWriter("test-writer", NO_DATABASE, 16, 0, size -> { });
        writer.beforeEnqueue = () -> {
            // the stop and the writer's final drain happen exactly in the append's window
            writer.stop();
            try {
                writer.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        CompletableFuture<Void> done = writer.append(append());

        assertThatThrownBy(() -> done.get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(StorageException.class).hasMessageContaining("closed");
        assertThat(writer.pending()).as("nothing left behind in the queue").isZero();
    }

    @Test
    void anAppendAfterStopFailsAsClosed() throws Exception {
        LogWriter writer = new LogWriter("test-writer", NO_DATABASE, 16, 0, size -> { });
        writer.stop();
        writer.join(10_000);
        CompletableFuture<Void> done = writer.append(append());
        assertThat(done).isCompletedExceptionally();
    }

    private static OperationLog.Append append() {
        return new OperationLog.Append(new Object(), "00000000-0000-0000-0000-000000000001", "node-1", 1, 1, 0,
                "author", "app", "{}", 0, new CompletableFuture<>());
    }
}
