package dtable.core.config;

import java.util.Objects;

/**
 * Where a service finds MySQL/MariaDB: SeaTable's top-level {@code host}, {@code port}, {@code user},
 * {@code password} and {@code database} keys.
 *
 * <p>{@link #toString()} hides the password so a logged configuration does not leak it.
 */
public record MysqlSettings(String host, int port, String user, String password, String database) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 3306;
    public static final String DEFAULT_DATABASE = "dtable_db";

    public MysqlSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(database, "database");
    }

    /** A plain JDBC URL ({@code jdbc:mysql://host:port/database}); callers append driver options they need. */
    public String jdbcUrl() {
        return "jdbc:mysql://" + host + ":" + port + "/" + database;
    }

    /** Reads the five keys from the top level of {@code file}. {@code user} is required, {@code password} may be empty. */
    static MysqlSettings read(ConfigFile file) {
        return new MysqlSettings(
                checkHost(file, file.string("host", DEFAULT_HOST).trim()),
                file.integer("port", DEFAULT_PORT, 1, 65535),
                file.requiredNonBlank("user"),
                file.string("password", ""),
                checkDatabase(file, file.string("database", DEFAULT_DATABASE)));
    }

    private static String checkHost(ConfigFile file, String host) {
        if (host.isEmpty()) {
            throw file.invalid("host", "must not be empty");
        }
        return host;
    }

    private static String checkDatabase(ConfigFile file, String database) {
        if (!database.matches("[A-Za-z0-9_$]+")) {
            throw file.invalid("database", "must be a plain database name, got \"" + database + "\"");
        }
        return database;
    }

    @Override
    public String toString() {
        return "MysqlSettings[host=" + host + ", port=" + port + ", user=" + user + ", password=***, database="
                + database + "]";
    }
}
