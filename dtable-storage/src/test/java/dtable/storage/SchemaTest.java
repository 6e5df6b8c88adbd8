package dtable.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class SchemaTest {

    @Test
    void theFirstMigrationIsOnTheClasspathWhereFlywayLooks() throws IOException {
        assertMigration("V1__dtables_and_operation_log.sql", "CREATE TABLE dtables", "CREATE TABLE operation_log");
    }

    @Test
    void theClusterGenerationMigrationIsV2() throws IOException {
        assertMigration("V2__cluster_generation.sql", "CREATE TABLE cluster_generation",
                "INSERT INTO cluster_generation (id, generation) VALUES (1, 0)", "ON dtables (assign_rev)");
    }

    @Test
    void theSnapshotTableMigrationIsV4() throws IOException {
        assertMigration("V4__snapshots_out_of_the_fence_row.sql", "CREATE TABLE dtable_snapshots",
                "ALTER TABLE dtables DROP COLUMN snapshot");
    }

    /** The migration {@code file} is where Flyway looks ({@link Schema#LOCATION}) and says each of {@code parts}. */
    private static void assertMigration(String file, String... parts) throws IOException {
        String path = Schema.LOCATION.substring("classpath:".length()) + "/" + file;
        try (InputStream in = Schema.class.getClassLoader().getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            assertThat(new String(in.readAllBytes())).contains(parts);
        }
    }
}
