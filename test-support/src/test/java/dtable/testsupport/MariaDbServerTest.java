package dtable.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The MariaDB harness against the real server: users, restart and crash keep committed data. */
@Tag("integration")
class MariaDbServerTest {

    @RegisterExtension
    static MariaDbExtension mariadb = MariaDbExtension.create();

    @Test
    void committedRowsSurviveAGracefulRestartAndAKill() {
        MariaDbServer server = mariadb.server();
        String db = mariadb.database();
        server.execute(db, "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=InnoDB");
        server.execute(db, "INSERT INTO t VALUES (1, 'one')");

        server.stop();
        assertThat(server.isRunning()).isFalse();
        assertThat(Ports.isListening(server.port())).isFalse();
        server.restart();
        assertThat(server.execute(db, "SELECT v FROM t WHERE id = 1").trim()).isEqualTo("one");

        server.execute(db, "INSERT INTO t VALUES (2, 'two')");
        server.kill();
        assertThat(server.isRunning()).isFalse();
        server.restart();
        assertThat(server.execute(db, "SELECT COUNT(*) FROM t").trim()).isEqualTo("2");
    }

    @Test
    void theTestUserLogsInOverTcpWithItsPassword() {
        Path client = Binaries.find("mariadb").orElseThrow();
        Commands.Result result = Commands.run(Duration.ofSeconds(30), client.toString(), "--no-defaults",
                "--protocol=TCP", "--host=" + mariadb.host(), "--port=" + mariadb.port(), "--user=" + mariadb.user(),
                "--password=" + mariadb.password(), "--batch", "--skip-column-names",
                "--execute=SELECT DATABASE(), @@innodb_flush_log_at_trx_commit", mariadb.database());
        assertThat(result.ok()).as(result.output()).isTrue();
        assertThat(result.output().trim()).isEqualTo(mariadb.database() + "\t1");
        assertThat(mariadb.jdbcUrl()).startsWith("jdbc:mysql://127.0.0.1:" + mariadb.port() + "/" + mariadb.database());
    }

    @Test
    void wrongPasswordIsRejected() {
        Path client = Binaries.find("mariadb").orElseThrow();
        Commands.Result result = Commands.run(Duration.ofSeconds(30), client.toString(), "--no-defaults",
                "--protocol=TCP", "--host=127.0.0.1", "--port=" + mariadb.port(), "--user=dtable",
                "--password=wrong", "--execute=SELECT 1");
        assertThat(result.ok()).isFalse();
        assertThat(result.output()).contains("Access denied");
    }

    @Test
    void closeStopsTheServerAndDeletesItsDirectory() {
        MariaDbServer server = MariaDbServer.start();
        Path dir = server.directory();
        int port = server.port();
        assertThat(Ports.isListening(port)).isTrue();

        server.close();

        assertThat(server.isRunning()).isFalse();
        assertThat(Ports.isListening(port)).isFalse();
        assertThat(dir).doesNotExist();
    }
}
