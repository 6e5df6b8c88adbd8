package dtable.proxy.forward;

/**
 * Where one attempt goes.
 *
 * @param label   the node id (metrics, messages), or {@code slave}
 * @param address the node's parsed {@code local_node_url}, or its {@code write_url} for a hot row write
 * @param uri     path and query to request there, before the address's path prefix
 * @param stale   a stale read at the slave: any 5xx is retried, and the answer is marked stale
 */
record Target(String label, NodeAddress address, String uri, boolean stale) {

    /** True when an answer with this status means "not applied, try again" rather than a result. */
    boolean retryOn(int status) {
        return stale ? status >= 500 : status == 307 || status == 503;
    }

    String requestUri() {
        return address.pathPrefix() + uri;
    }
}
