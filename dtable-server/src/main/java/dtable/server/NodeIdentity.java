package dtable.server;

/** This node's id and URLs as registered in etcd. */
public record NodeIdentity(String nodeId, String nodeUrl, String localNodeUrl) {
}
