package dtable.clustertest;

import tools.jackson.databind.JsonNode;

/**
 * The unique payload each write carries ({@code p:<client>:<n>}, stored as the row's {@code Name}) and how
 * the checker finds it again inside a logged operation, whatever shape the operation was logged in.
 */
final class Payloads {

    static final String PREFIX = "p:";

    private Payloads() {
    }

    static String next(String clientId, long n) {
        return PREFIX + clientId + ":" + n;
    }

    /** The first payload string anywhere in a logged operation, or null (an operation the suite did not write). */
    static String find(JsonNode node) {
        if (node == null) {
            return null;
        }
        if (node.isString()) {
            String text = node.asString();
            return text.startsWith(PREFIX) ? text : null;
        }
        if (node.isContainer()) {
            for (JsonNode child : node) {
                String found = find(child);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }
}
