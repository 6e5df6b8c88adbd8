package dtable.core.config;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One SeaTable-style JSON configuration file plus its environment overrides, with typed lookups
 * that fail with a one-line {@link ConfigException} naming the file and the key.
 *
 * <p><b>File.</b> {@code <confDir>/<fileName>}, a JSON object; {@code //} and {@code /* *}{@code /}
 * comments and trailing commas are allowed. A file that does not exist counts as {@code {}}, so a
 * service can be configured from the environment alone; its required keys are then reported missing.
 * Keys the service does not ask for are ignored (SeaTable files carry many).
 *
 * <p><b>Keys</b> are dotted paths: {@code "listen_port"} at the top level, {@code
 * "cluster_config.node_id"} inside the {@code cluster_config} object.
 *
 * <p><b>Environment override.</b> For key {@code a.b} the variable is {@code DTABLE_A_B}
 * ({@link #envName}): {@code listen_port} → {@code DTABLE_LISTEN_PORT}, {@code cluster_config.node_id}
 * → {@code DTABLE_CLUSTER_CONFIG_NODE_ID}. A non-empty variable wins over the file; its text is
 * parsed for the key's type (integers in decimal, booleans {@code true/false/1/0/yes/no}, lists
 * comma-separated). A variable set to the empty string clears the key: its default applies.
 *
 * <p>Immutable after {@link #read}; safe to share, though it is meant to be used once at start-up.
 */
public final class ConfigFile {

    /** Variable naming the configuration directory; default {@code conf} (relative to the working directory). */
    public static final String CONF_DIR_VARIABLE = "DTABLE_CONF_DIR";

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
            .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
            .build();
    /** The {@code private_key} of the example files in {@code conf/}: known to everyone, so refused. */
    public static final String PLACEHOLDER_PRIVATE_KEY = "change-me-to-a-long-random-string-of-at-least-32-bytes";
    /** The shortest {@code private_key} accepted, in UTF-8 bytes (HS256 wants a key of at least 256 bits). */
    public static final int MIN_PRIVATE_KEY_BYTES = 32;

    private static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9._\\-\\[\\]:]+:[0-9]{1,5}");

    private final String source;
    private final JsonNode root;
    private final boolean exists;
    private final Map<String, String> env;

    private ConfigFile(String source, JsonNode root, boolean exists, Map<String, String> env) {
        this.source = source;
        this.root = root;
        this.exists = exists;
        this.env = Map.copyOf(env);
    }

    /** The configuration directory: {@code $DTABLE_CONF_DIR}, or {@code conf} when unset or empty. */
    public static Path confDir(Map<String, String> env) {
        String dir = env.get(CONF_DIR_VARIABLE);
        return Path.of(dir == null || dir.isBlank() ? "conf" : dir);
    }

    /** A service's {@code load(confDir, env)} with {@code $DTABLE_CONF_DIR} and the process environment. */
    public static <T> T loadFromEnvironment(BiFunction<Path, Map<String, String>, T> load) {
        Map<String, String> env = System.getenv();
        return load.apply(confDir(env), env);
    }

    /**
     * Reads and parses {@code confDir/fileName}.
     *
     * @throws ConfigException when the file cannot be read, is not valid JSON or is not an object
     */
    public static ConfigFile read(Path confDir, String fileName, Map<String, String> env) {
        Path path = confDir.resolve(fileName);
        String source = path.toString();
        String text;
        try {
            text = Files.readString(path);
        } catch (NoSuchFileException e) {
            return new ConfigFile(source, MAPPER.createObjectNode(), false, env);
        } catch (IOException e) {
            throw new ConfigException(source, "cannot be read: " + e.getMessage());
        }
        JsonNode root;
        try {
            root = text.isBlank() ? MAPPER.createObjectNode() : MAPPER.readTree(text);
        } catch (JacksonException e) {
            TokenStreamLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new ConfigException(source, "invalid JSON" + where + ": " + firstLine(e.getOriginalMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException(source, "must contain a JSON object");
        }
        return new ConfigFile(source, root, true, env);
    }

    /** The file path as shown in error messages. */
    public String source() {
        return source;
    }

    /** The environment variable overriding {@code key}: {@code DTABLE_} + the key, dots as underscores, uppercase. */
    public static String envName(String key) {
        return "DTABLE_" + key.replace('.', '_').toUpperCase(Locale.ROOT);
    }

    // ---- strings ------------------------------------------------------------------------------

    public String requiredString(String key) {
        return optionalString(key).orElseThrow(() -> missing(key));
    }

    /** A required string that must not be empty or blank. */
    public String requiredNonBlank(String key) {
        String value = requiredString(key);
        if (value.isBlank()) {
            throw invalid(key, "must not be empty");
        }
        return value;
    }

    public String string(String key, String defaultValue) {
        return optionalString(key).orElse(defaultValue);
    }

    public Optional<String> optionalString(String key) {
        String fromEnv = envValue(key);
        if (fromEnv != null) {
            return fromEnv.isEmpty() ? Optional.empty() : Optional.of(fromEnv);
        }
        JsonNode node = node(key);
        if (node == null) {
            return Optional.empty();
        }
        if (!node.isString()) {
            throw invalid(key, "must be a string, got " + describe(node));
        }
        return Optional.of(node.asString());
    }

    /**
     * The token signing key: required, at least {@link #MIN_PRIVATE_KEY_BYTES} UTF-8 bytes, and not the
     * placeholder of the example files. A deployment must never run with a short or published key.
     */
    public String requiredPrivateKey(String key) {
        return checkPrivateKey(key, requiredNonBlank(key));
    }

    /** An optional token signing key ({@link #requiredPrivateKey}'s rules when set; blank counts as absent). */
    public Optional<String> optionalPrivateKey(String key) {
        return optionalString(key).filter(value -> !value.isBlank()).map(value -> checkPrivateKey(key, value));
    }

    private String checkPrivateKey(String key, String value) {
        if (value.equals(PLACEHOLDER_PRIVATE_KEY)) {
            throw invalid(key, "is the placeholder of the example files; set a random string of at least "
                    + MIN_PRIVATE_KEY_BYTES + " bytes (openssl rand -hex 32)");
        }
        int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes < MIN_PRIVATE_KEY_BYTES) {
            throw invalid(key, "must be at least " + MIN_PRIVATE_KEY_BYTES + " bytes, got " + bytes
                    + " (openssl rand -hex 32 makes one)");
        }
        return value;
    }

    // ---- numbers and booleans -----------------------------------------------------------------

    /** An integer in {@code [min, max]}, or {@code defaultValue} when absent. */
    public int integer(String key, int defaultValue, int min, int max) {
        return (int) longValue(key, defaultValue, min, max);
    }

    /** A long in {@code [min, max]}, or {@code defaultValue} when absent. */
    public long longValue(String key, long defaultValue, long min, long max) {
        long value;
        String fromEnv = envValue(key);
        if (fromEnv != null && !fromEnv.isEmpty()) {
            try {
                value = Long.parseLong(fromEnv.trim());
            } catch (NumberFormatException e) {
                throw invalid(key, "must be an integer, got \"" + fromEnv + "\"");
            }
        } else {
            JsonNode node = fromEnv == null ? node(key) : null;
            if (node == null) {
                return defaultValue;
            }
            if (!node.isIntegralNumber() || !node.canConvertToLong()) {
                throw invalid(key, "must be an integer, got " + describe(node));
            }
            value = node.asLong();
        }
        if (value < min || value > max) {
            throw invalid(key, "must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    public boolean bool(String key, boolean defaultValue) {
        String fromEnv = envValue(key);
        if (fromEnv != null && !fromEnv.isEmpty()) {
            return switch (fromEnv.trim().toLowerCase(Locale.ROOT)) {
                case "true", "1", "yes" -> true;
                case "false", "0", "no" -> false;
                default -> throw invalid(key, "must be true or false, got \"" + fromEnv + "\"");
            };
        }
        JsonNode node = fromEnv == null ? node(key) : null;
        if (node == null) {
            return defaultValue;
        }
        if (!node.isBoolean()) {
            throw invalid(key, "must be true or false, got " + describe(node));
        }
        return node.asBoolean();
    }

    // ---- lists and addresses ------------------------------------------------------------------

    /** A required, non-empty list of non-blank strings (a JSON array, or comma-separated in the environment). */
    public List<String> requiredList(String key) {
        List<String> values = new ArrayList<>();
        String fromEnv = envValue(key);
        if (fromEnv != null && !fromEnv.isEmpty()) {
            for (String part : fromEnv.split(",")) {
                values.add(part.trim());
            }
        } else {
            JsonNode node = fromEnv == null ? node(key) : null;
            if (node == null) {
                throw missing(key);
            }
            if (!node.isArray()) {
                throw invalid(key, "must be a list of strings, got " + describe(node));
            }
            for (JsonNode element : node) {
                if (!element.isString()) {
                    throw invalid(key, "must be a list of strings, got an element " + describe(element));
                }
                values.add(element.asString().trim());
            }
        }
        if (values.isEmpty() || values.stream().anyMatch(String::isEmpty)) {
            throw invalid(key, "must be a non-empty list without empty entries");
        }
        return List.copyOf(values);
    }

    /** The {@code etcd_host_list} style list: each entry {@code host:port} or an {@code http(s)://host:port} URL. */
    public List<String> requiredHostList(String key) {
        List<String> hosts = requiredList(key);
        for (String host : hosts) {
            boolean isUrl = host.startsWith("http://") || host.startsWith("https://");
            if (isUrl ? !isHttpUrl(host) : !HOST_PORT.matcher(host).matches()) {
                throw invalid(key, "entry \"" + host + "\" must be host:port or http://host:port");
            }
        }
        return hosts;
    }

    /** A required http(s) URL, normalised to end with {@code /}. */
    public String requiredUrl(String key) {
        return optionalUrl(key).orElseThrow(() -> missing(key));
    }

    /** An optional http(s) URL, normalised to end with {@code /}. */
    public Optional<String> optionalUrl(String key) {
        Optional<String> value = optionalString(key).map(String::trim);
        if (value.isPresent() && !isHttpUrl(value.get())) {
            throw invalid(key, "must be an http:// or https:// URL with a host, got \"" + value.get() + "\"");
        }
        return value.map(url -> url.endsWith("/") ? url : url + "/");
    }

    /** A required identifier usable as an etcd key segment: letters, digits, {@code . _ -}. */
    public String requiredId(String key) {
        return checkId(key, requiredString(key));
    }

    /** An identifier ({@link #requiredId}) or {@code defaultValue} when absent. */
    public String id(String key, String defaultValue) {
        return optionalString(key).map(value -> checkId(key, value)).orElse(defaultValue);
    }

    /** True when the key has a value in the environment or the file. */
    public boolean isSet(String key) {
        String fromEnv = envValue(key);
        return fromEnv != null ? !fromEnv.isEmpty() : node(key) != null;
    }

    /** An error about {@code key} in this file, for checks the typed lookups cannot express. */
    public ConfigException invalid(String key, String problem) {
        String fromEnv = envValue(key);
        String via = fromEnv != null && !fromEnv.isEmpty() ? " (from " + envName(key) + ")" : "";
        return new ConfigException(source, key + via + " " + problem);
    }

    // ---- internals ----------------------------------------------------------------------------

    private ConfigException missing(String key) {
        String hint = exists ? "" : "; the file does not exist";
        return new ConfigException(source, key + " is missing (set it in the file or in " + envName(key) + hint + ")");
    }

    private String checkId(String key, String value) {
        if (!value.matches("[A-Za-z0-9._\\-]+")) {
            throw invalid(key, "must be letters, digits, '.', '_' or '-', got \"" + value + "\"");
        }
        return value;
    }

    private String envValue(String key) {
        return env.get(envName(key));
    }

    /** The JSON value at a dotted key, or null when absent or JSON null. */
    private JsonNode node(String key) {
        JsonNode current = root;
        String[] parts = key.split("\\.");
        for (int i = 0; i < parts.length; i++) {
            if (i > 0 && !current.isObject()) {
                String parent = String.join(".", Arrays.copyOf(parts, i));
                throw new ConfigException(source, parent + " must be an object, got " + describe(current));
            }
            current = current.get(parts[i]);
            if (current == null || current.isNull()) {
                return null;
            }
        }
        return current;
    }

    private static boolean isHttpUrl(String text) {
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme();
            return ("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))
                    && uri.getHost() != null && !uri.getHost().isEmpty();
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static String describe(JsonNode node) {
        String text = node.toString();
        String shown = text.length() > 40 ? text.substring(0, 37) + "..." : text;
        return node.getNodeType().name().toLowerCase(Locale.ROOT) + " " + shown;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
