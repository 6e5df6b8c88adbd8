package dtable.server.storage;

import java.util.concurrent.CompletableFuture;

/** Where a base's operations go to become durable: {@link OperationLog} in production, a fake in unit tests. */
@FunctionalInterface
public interface OperationAppender {

    /** Queues an append; the returned future completes when the operation is durable (or failed). */
    CompletableFuture<Void> append(OperationLog.Append append);
}
