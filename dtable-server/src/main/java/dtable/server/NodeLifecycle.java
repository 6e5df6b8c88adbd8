package dtable.server;

import dtable.server.cluster.NodeRuntime;
import org.springframework.context.SmartLifecycle;

/** Starts and stops the {@link NodeRuntime} with the Spring context, in the phase the shutdown order needs. */
final class NodeLifecycle implements SmartLifecycle {

    private final NodeRuntime runtime;

    NodeLifecycle(NodeRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public void start() {
        runtime.start();
    }

    @Override
    public void stop() {
        runtime.stop();
    }

    @Override
    public boolean isRunning() {
        return runtime.isRunning();
    }

    /**
     * Stops first, before the web server's graceful shutdown: buckets are released while the server
     * still answers, so callers get 503/307 (the proxy retries at the new owner) and sockets hear base-moved.
     */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 100;
    }
}
