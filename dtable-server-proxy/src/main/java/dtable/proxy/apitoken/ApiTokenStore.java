package dtable.proxy.apitoken;

import dtable.core.bucket.BaseUuid;
import dtable.core.token.Permission;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * API tokens of bases (SPEC §9) in MySQL's {@code api_tokens} table: one per base and app, {@code rw}
 * or {@code r}. A token is 40 hex digits from {@link SecureRandom} (160 bits, SeaTable's length);
 * only its SHA-256 is stored, so a database dump reveals no usable token, and a token is shown once,
 * when it is created. A lookup hashes the presented text and finds the row by that hash.
 *
 * <p>Blocking JDBC; thread-safe (each call takes its own connection from the pool).
 */
public final class ApiTokenStore {

    /** Longest app name (the column's size). */
    public static final int MAX_APP_NAME = 255;

    private static final HexFormat HEX = HexFormat.of();

    private final DataSource dataSource;
    private final SecureRandom random = new SecureRandom();

    /** A token as created: the only time its text is known. */
    public record Issued(String appName, String apiToken, Permission permission) {
    }

    /** A token as listed: never its text. */
    public record Listed(String appName, Permission permission, Instant createdAt) {
    }

    /** Whose token a presented text is. */
    public record Holder(BaseUuid base, String appName, Permission permission) {
    }

    public ApiTokenStore(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * Creates a token for {@code appName} on {@code base}; a token the app had before stops working.
     *
     * @throws IllegalArgumentException when the app name is empty, too long, or holds a {@code /} or a control character
     */
    public Issued create(BaseUuid base, String appName, Permission permission) throws SQLException {
        checkAppName(appName);
        byte[] raw = new byte[20];
        random.nextBytes(raw);
        String token = HEX.formatHex(raw);
        String sql = "INSERT INTO api_tokens (dtable_uuid, app_name, token_hash, permission) VALUES (?, ?, ?, ?) "
                + "ON DUPLICATE KEY UPDATE token_hash = VALUES(token_hash), permission = VALUES(permission), "
                + "created_at = CURRENT_TIMESTAMP(3)";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement(sql)) {
            insert.setString(1, base.value());
            insert.setString(2, appName);
            insert.setString(3, hash(token));
            insert.setString(4, permission.claim());
            insert.executeUpdate();
        }
        return new Issued(appName, token, permission);
    }

    /** The base's tokens by app name. */
    public List<Listed> list(BaseUuid base) throws SQLException {
        String sql = "SELECT app_name, permission, created_at FROM api_tokens WHERE dtable_uuid = ? ORDER BY app_name";
        List<Listed> tokens = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, base.value());
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    tokens.add(new Listed(rows.getString(1), Permission.fromClaim(rows.getString(2)),
                            rows.getTimestamp(3).toInstant()));
                }
            }
        }
        return tokens;
    }

    /** Revokes the app's token; false when it had none. */
    public boolean revoke(BaseUuid base, String appName) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement delete = connection.prepareStatement(
                     "DELETE FROM api_tokens WHERE dtable_uuid = ? AND app_name = ?")) {
            delete.setString(1, base.value());
            delete.setString(2, appName);
            return delete.executeUpdate() > 0;
        }
    }

    /** Whose token {@code apiToken} is; empty for an unknown or revoked token. */
    public Optional<Holder> find(String apiToken) throws SQLException {
        if (apiToken == null || apiToken.isBlank()) {
            return Optional.empty();
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT dtable_uuid, app_name, permission FROM api_tokens WHERE token_hash = ?")) {
            select.setString(1, hash(apiToken.trim()));
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Holder(BaseUuid.parse(rows.getString(1)), rows.getString(2),
                        Permission.fromClaim(rows.getString(3))));
            }
        }
    }

    /** Throws {@link IllegalArgumentException} with a message fit for {@code error_msg}. */
    public static void checkAppName(String appName) {
        if (appName == null || appName.isBlank()) {
            throw new IllegalArgumentException("app_name is required");
        }
        if (appName.length() > MAX_APP_NAME) {
            throw new IllegalArgumentException("app_name is longer than " + MAX_APP_NAME + " characters");
        }
        if (appName.chars().anyMatch(c -> c == '/' || Character.isISOControl(c))) {
            throw new IllegalArgumentException("app_name must not contain '/' or control characters");
        }
    }

    /** SHA-256 of the token's UTF-8 bytes, in hex. */
    static String hash(String token) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
