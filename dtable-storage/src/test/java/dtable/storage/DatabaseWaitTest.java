package dtable.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class DatabaseWaitTest {

    private final List<Duration> sleeps = new ArrayList<>();
    private final DatabaseWait wait = new DatabaseWait(sleeps::add);

    @Test
    void waitsOutConnectionFailuresUntilTheDatabaseAnswers() {
        // what HikariCP throws while MariaDB is not up yet: a timeout wrapping the driver's 08S01
        SQLException down = new SQLTransientConnectionException("HikariPool-1 - Connection is not available",
                null, new SQLException("Communications link failure", "08S01"));
        FlakyDataSource source = new FlakyDataSource(4, down);

        assertThat(wait.await(source, "dtable_db at mariadb:3306")).isEqualTo(5);
        assertThat(source.attempts).isEqualTo(5);
        assertThat(sleeps).hasSize(4).allMatch(DatabaseWait.RETRY_EVERY::equals);
    }

    @Test
    void answersAtOnceWhenTheDatabaseIsUp() {
        assertThat(wait.await(new FlakyDataSource(0, null), "db")).isEqualTo(1);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void aWrongPasswordFailsAtOnceInsteadOfWaiting() {
        SQLException denied = new SQLTransientConnectionException("HikariPool-1 - Connection is not available",
                null, new SQLException("Access denied for user 'dtable'@'10.89.0.5'", "28000"));
        FlakyDataSource source = new FlakyDataSource(100, denied);

        assertThatThrownBy(() -> wait.await(source, "dtable_db at mariadb:3306"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("dtable_db at mariadb:3306")
                .hasMessageContaining("Access denied");
        assertThat(source.attempts).isEqualTo(1);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void classifiesByTheSqlStateOfTheCauseChain() {
        assertThat(DatabaseWait.isConnectionFailure(new SQLException("refused", "08001"))).isTrue();
        assertThat(DatabaseWait.isConnectionFailure(new SQLException("no state"))).isTrue();
        assertThat(DatabaseWait.isConnectionFailure(new SQLException("unknown database", "42000"))).isFalse();
    }

    /** Fails the first {@code failures} calls of getConnection with {@code error}, then hands out a connection. */
    private static final class FlakyDataSource implements DataSource {
        private final int failures;
        private final SQLException error;
        int attempts;

        FlakyDataSource(int failures, SQLException error) {
            this.failures = failures;
            this.error = error;
        }

        @Override
        public Connection getConnection() throws SQLException {
            attempts++;
            if (attempts <= failures) {
                throw error;
            }
            return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                    (proxy, method, args) -> null);
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() {
            return Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
