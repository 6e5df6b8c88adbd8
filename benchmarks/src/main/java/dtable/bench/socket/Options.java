package dtable.bench.socket;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The generator's command line: {@code SCENARIO --name value ...}. Every option has a default; an
 * unknown option, a missing value or a value of the wrong kind is an error naming it (see
 * docs/benchmarks.md, "Socket load generator", for the list).
 */
record Options(String scenario, Map<String, String> values) {

    static final List<String> SCENARIOS = List.of("hold", "rooms", "storm");

    private static final Map<String, String> DEFAULTS = Map.ofEntries(
            Map.entry("url", "http://127.0.0.1:5000/"),
            Map.entry("key-file", ""),
            Map.entry("transport", "ws"),
            Map.entry("sockets", "100"),
            Map.entry("bases", "1"),
            Map.entry("connect-parallel", "200"),
            Map.entry("connect-timeout", "60"),
            Map.entry("hold", "30"),
            Map.entry("rest-rate", "50"),
            Map.entry("rest-seconds", "20"),
            Map.entry("probe-command", ""),
            Map.entry("rate", "0"),
            Map.entry("ops", "500"),
            Map.entry("warmup", "50"),
            Map.entry("op-bytes", "0"),
            Map.entry("stopped", "0"),
            Map.entry("restart-command", ""),
            Map.entry("settle", "120"),
            Map.entry("create-url", ""),
            Map.entry("socket-url", ""));

    private static final Set<String> NUMBERS = Set.of("sockets", "bases", "connect-parallel", "connect-timeout", "hold",
            "rest-rate", "rest-seconds", "rate", "ops", "warmup", "op-bytes", "stopped", "settle");

    static Options parse(String[] args) {
        if (args.length == 0 || !SCENARIOS.contains(args[0])) {
            throw new IllegalArgumentException("first argument must be a scenario: " + String.join(", ", SCENARIOS));
        }
        Map<String, String> values = new HashMap<>(DEFAULTS);
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || !DEFAULTS.containsKey(arg.substring(2))) {
                throw new IllegalArgumentException("unknown option: " + arg);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(arg + " needs a value");
            }
            String name = arg.substring(2);
            String value = args[++i];
            if (NUMBERS.contains(name) && !value.matches("\\d+")) {
                throw new IllegalArgumentException(arg + " must be a whole number >= 0, got '" + value + "'");
            }
            values.put(name, value);
        }
        Options options = new Options(args[0], values);
        options.check();
        return options;
    }

    private void check() {
        if (!List.of("ws", "socketio").contains(text("transport"))) {
            throw new IllegalArgumentException("--transport must be ws or socketio");
        }
        if (text("key-file").isEmpty() || !Files.isReadable(Path.of(text("key-file")))) {
            throw new IllegalArgumentException("--key-file must name a readable file holding the cluster's private_key");
        }
        if (number("bases") < 1 || number("sockets") < number("bases")) {
            throw new IllegalArgumentException("--bases must be >= 1 and --sockets >= --bases");
        }
        if (number("connect-parallel") < 1 || number("connect-timeout") < 1) {
            throw new IllegalArgumentException("--connect-parallel and --connect-timeout must be >= 1");
        }
        if (number("stopped") > number("sockets") - number("bases")) {
            throw new IllegalArgumentException("--stopped must leave at least one reading socket per base");
        }
        if (!text("url").matches("https?://[^,]+") || !createUrl().matches("https?://[^,]+")
                || !socketUrls().stream().allMatch(url -> url.matches("https?://.+"))) {
            throw new IllegalArgumentException("--url, --create-url and --socket-url must be http:// or https:// URLs"
                    + " (--socket-url: one, or several separated by commas)");
        }
    }

    String text(String name) {
        return values.get(name);
    }

    int number(String name) {
        return Integer.parseInt(values.get(name));
    }

    /** Where bases are created: {@code --create-url}, else {@code --url}. */
    String createUrl() {
        return text("create-url").isEmpty() ? text("url") : text("create-url");
    }

    /**
     * Where the sockets connect: {@code --socket-url} (a node's write port, or several proxies separated by
     * commas, the sockets spread over them in turn), else {@code --url}.
     */
    List<String> socketUrls() {
        return text("socket-url").isEmpty() ? List.of(text("url")) : List.of(text("socket-url").split(",", -1));
    }

    /** Where socket number {@code index} connects, and reconnects when it got no {@code base-moved}. */
    String socketUrl(int index) {
        List<String> urls = socketUrls();
        return urls.get(index % urls.size());
    }

    LoadSocket.Framing framing() {
        return text("transport").equals("ws") ? LoadSocket.Framing.WS : LoadSocket.Framing.SOCKETIO;
    }
}
