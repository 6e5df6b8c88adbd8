package dtable.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code mariadbd} run from the Debian binaries with {@code --no-defaults} (no system config leaks
 * in) on a data directory initialised by {@code mariadb-install-db}, listening on 127.0.0.1 only,
 * with its own socket file. Durability settings stay at their production values
 * ({@code innodb_flush_log_at_trx_commit=1}): durability is what the project's tests check.
 * Guarded by the owning {@link MariaDbServer}'s monitor; not thread-safe on its own.
 */
final class LocalMariaDb extends LocalServerProcess implements MariaDbBackend {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Path mariadbd;
    private final Path installDb;
    private final Path client;
    private final Path directory;
    private final Path dataDir;
    private final Path socket;
    private final int port;

    LocalMariaDb(Path mariadbd, Path installDb, Path client, Path directory) {
        super("mariadbd", directory.resolve("mariadbd.log"), Duration.ofSeconds(60));
        this.mariadbd = mariadbd;
        this.installDb = installDb;
        this.client = client;
        this.directory = directory;
        this.dataDir = directory.resolve("data");
        this.socket = directory.resolve("mariadbd.sock");
        this.port = Ports.free();
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public void start() {
        if (!Files.isDirectory(dataDir.resolve("mysql"))) {
            installDatabase();
        }
        ManagedProcess process = launch(command(), directory);
        awaitAnswering(START_TIMEOUT, process::isAlive);
    }

    private void installDatabase() {
        Commands.Result result = Commands.run(Duration.ofMinutes(2), installDb.toString(), "--no-defaults",
                "--auth-root-authentication-method=normal", "--datadir=" + dataDir, "--user=" + osUser(),
                "--skip-test-db", "--skip-name-resolve");
        if (!result.ok()) {
            throw new IllegalStateException("mariadb-install-db failed (exit " + result.exitCode() + "):\n"
                    + result.output());
        }
    }

    private List<String> command() {
        List<String> command = new ArrayList<>(List.of(mariadbd.toString(),
                "--no-defaults",
                "--user=" + osUser(),
                "--datadir=" + dataDir,
                "--tmpdir=" + directory,
                "--port=" + port,
                "--socket=" + socket,
                "--pid-file=" + directory.resolve("mariadbd.pid"),
                "--bind-address=127.0.0.1",
                "--skip-name-resolve",
                "--character-set-server=utf8mb4",
                "--max-connections=1000",
                "--max-allowed-packet=64M",
                "--innodb-buffer-pool-size=256M",
                "--innodb-log-file-size=256M",
                "--max-allowed-packet=1G",
                "--innodb-flush-log-at-trx-commit=1"));
        return command;
    }

    @Override
    public Commands.Result sql(String database, String sql) {
        List<String> command = new ArrayList<>(List.of(client.toString(), "--no-defaults", "--protocol=SOCKET",
                "--socket=" + socket, "--user=root", "--batch", "--skip-column-names", "--execute=" + sql));
        if (database != null) {
            command.add(database);
        }
        return Commands.run(Duration.ofSeconds(60), command);
    }

    private static String osUser() {
        // mariadbd refuses to run as root unless told so explicitly
        return System.getProperty("user.name");
    }
}
