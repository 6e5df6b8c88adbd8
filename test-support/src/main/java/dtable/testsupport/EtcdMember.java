package dtable.testsupport;

/**
 * One etcd member as the harness drives it: a local process or, as a fallback, a container.
 * Implementations keep the member's data between {@link #stop()} and {@link #start()}.
 */
interface EtcdMember extends ServerProcess {

    /** Client URL, {@code http://127.0.0.1:PORT}; the same across restarts. */
    String endpoint();

    /** Starts (or restarts, with the same data) the member; does not wait for health. */
    @Override
    void start();

    /**
     * Deletes the member's data directory (the member must be stopped): the next {@link #start()} begins a
     * new, empty etcd, as after losing a disk.
     *
     * @throws UnsupportedOperationException when the implementation cannot (containers)
     */
    default void deleteData() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot delete its data");
    }
}
