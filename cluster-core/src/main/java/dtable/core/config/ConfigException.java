package dtable.core.config;

import java.util.function.Supplier;

/**
 * A configuration file or environment variable is missing, malformed or out of range.
 *
 * <p>The message is exactly one line that names the file and the key, for example
 * {@code config error: conf/dtable_server_config.json: cluster_config.node_id is missing (or set
 * DTABLE_CLUSTER_CONFIG_NODE_ID)}; it is meant to be printed as is, without a stack trace.
 */
public final class ConfigException extends RuntimeException {

    /** Exit status of a service that could not start because of its configuration. */
    public static final int EXIT_STATUS = 78; // EX_CONFIG from sysexits.h

    /**
     * @param source the file (or other origin) the setting came from
     * @param detail the problem, naming the key
     */
    public ConfigException(String source, String detail) {
        super("config error: " + source + ": " + detail, null, false, false);
    }

    /**
     * Runs {@code loader}; on a {@link ConfigException} prints its one-line message to stderr and
     * exits the JVM with {@link #EXIT_STATUS}. Meant for a service's {@code main}, before Spring starts,
     * so that a bad setting does not end in a page of stack trace:
     * <pre>{@code ServerConfig config = ConfigException.orExit(ServerConfig::load);}</pre>
     */
    public static <T> T orExit(Supplier<T> loader) {
        try {
            return loader.get();
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.exit(EXIT_STATUS);
            throw e; // not reached
        }
    }
}
