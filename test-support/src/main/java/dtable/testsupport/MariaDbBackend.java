package dtable.testsupport;

/**
 * One MariaDB server as {@link MariaDbServer} drives it: a local {@code mariadbd} process or, as a
 * fallback, a container. Keeps its data between {@link #stop()} and {@link #start()}.
 */
interface MariaDbBackend {

    /** Loopback TCP port; the same across restarts. */
    int port();

    /** Starts (or restarts) the server and waits until it accepts connections. */
    void start();

    /** Graceful shutdown (SIGTERM), waiting for exit. */
    void stop();

    /** SIGKILL: no shutdown, InnoDB recovers at the next start. */
    void kill();

    void pause();

    void resume();

    boolean isRunning();

    /** Runs SQL as root with the command-line client; {@code database} may be null. */
    Commands.Result sql(String database, String sql);

    String logTail();

    /** Stops for good and frees the resources (the caller deletes any directory). */
    void destroy();
}
