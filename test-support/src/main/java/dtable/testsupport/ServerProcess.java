package dtable.testsupport;

/**
 * The lifecycle the harness drives for a server it runs (an etcd member, MariaDB): a local process
 * ({@link LocalServerProcess}) or, as a fallback, a container ({@link ContainerServerProcess}). The server
 * keeps its data between {@link #stop()} and {@link #start()}.
 */
interface ServerProcess {

    /** Starts, or restarts with the same data. */
    void start();

    /** Graceful stop (SIGTERM), waiting for exit. */
    void stop();

    /** SIGKILL: no shutdown. */
    void kill();

    /** Freezes the server (SIGSTOP or a paused container). */
    void pause();

    void resume();

    boolean isRunning();

    /** The end of the server's log, for failure messages. */
    String logTail();

    /** Stops for good and frees what it holds (the caller deletes any directory). */
    void destroy();
}
