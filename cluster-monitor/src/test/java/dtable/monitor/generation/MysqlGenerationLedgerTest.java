package dtable.monitor.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dtable.core.cluster.FencingToken;
import dtable.core.config.MysqlSettings;
import dtable.testsupport.MariaDbExtension;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** MySQL's side of the cluster generation against a real MariaDB: migration V2, compare-and-set, highest claim. */
@Tag("integration")
class MysqlGenerationLedgerTest {

    @RegisterExtension
    static final MariaDbExtension MARIADB = MariaDbExtension.create();

    private static MysqlSettings settings() {
        return new MysqlSettings(MARIADB.host(), MARIADB.port(), MARIADB.user(), MARIADB.password(), MARIADB.database());
    }

    @Test
    void startsAtZeroAdvancesOnlyFromTheValueReadAndSeesTheHighestClaim() throws Exception {
        try (MysqlGenerationLedger ledger = new MysqlGenerationLedger(settings())) {
            assertThat(ledger.current()).isZero(); // migrated on first use
            assertThat(ledger.highestClaim()).isZero();

            // of many monitors racing from the same value, exactly one moves it
            AtomicInteger winners = new AtomicInteger();
            CompletableFuture.allOf(IntStream.range(0, 8).mapToObj(i -> CompletableFuture.runAsync(() -> {
                if (ledger.advance(0, 1)) {
                    winners.incrementAndGet();
                }
            })).toArray(CompletableFuture[]::new)).join();
            assertThat(winners).hasValue(1);
            assertThat(ledger.current()).isEqualTo(1);
            assertThat(ledger.advance(0, 2)).isFalse();
            assertThatThrownBy(() -> ledger.advance(1, 1)).isInstanceOf(IllegalArgumentException.class);

            try (Connection c = DriverManager.getConnection(MARIADB.jdbcUrl(), MARIADB.user(), MARIADB.password());
                 Statement st = c.createStatement()) {
                st.executeUpdate("INSERT INTO dtables (dtable_uuid, assign_rev) VALUES ('gen-test-old', 95),"
                        + " ('gen-test-new', " + FencingToken.of(1, 7) + ")");
            }
            assertThat(ledger.highestClaim()).isEqualTo(FencingToken.of(1, 7));
        }
    }

    @Test
    void anUnreachableDatabaseIsAnExceptionNotAHang() {
        MysqlSettings nowhere = new MysqlSettings("127.0.0.1", 1, "u", "", "dtable_db");
        try (MysqlGenerationLedger ledger = new MysqlGenerationLedger(nowhere)) {
            assertThatThrownBy(ledger::current).isInstanceOf(LedgerUnavailableException.class)
                    .hasMessageContaining("cannot read the cluster generation in MySQL");
        }
    }
}
