package dtable.testsupport;

/**
 * One etcd member as the harness drives it: a local process or, as a fallback, a container.
 * Implementations keep the member's data between {@link #stop()} and {@link #start()}.
 */
interface EtcdMember {

    /** Client URL, {@code http://127.0.0.1:PORT}; the same across restarts. */
    String endpoint();

    /** Starts (or restarts, with the same data) the member; does not wait for health. */
    void start();

    /** Graceful stop (SIGTERM), waiting for exit. */
    void stop();

    /** SIGKILL. */
    void kill();

    /** Freezes the member (SIGSTOP or a paused container). */
    void pause();

    void resume();

    boolean isRunning();

    /** The end of the member's log, for failure messages. */
    String logTail();

    /**
     * Deletes the member's data directory (the member must be stopped): the next {@link #start()} begins a
     * new, empty etcd, as after losing a disk.
     *
     * @throws UnsupportedOperationException when the implementation cannot (containers)
     */
    default void deleteData() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot delete its data");
    }

    /** Stops the member for good and frees what it holds (the caller deletes the data). */
    void destroy();
}
