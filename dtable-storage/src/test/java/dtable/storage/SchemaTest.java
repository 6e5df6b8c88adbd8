package dtable.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class SchemaTest {

    @Test
    void theFirstMigrationIsOnTheClasspathWhereFlywayLooks() throws IOException {
        String path = Schema.LOCATION.substring("classpath:".length()) + "/V1__dtables_and_operation_log.sql";
        try (InputStream in = Schema.class.getClassLoader().getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            assertThat(new String(in.readAllBytes())).contains("CREATE TABLE dtables", "CREATE TABLE operation_log");
        }
    }

    @Test
    void theClusterGenerationMigrationIsV2() throws IOException {
        String path = Schema.LOCATION.substring("classpath:".length()) + "/V2__cluster_generation.sql";
        try (InputStream in = Schema.class.getClassLoader().getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            assertThat(new String(in.readAllBytes())).contains("CREATE TABLE cluster_generation",
                    "INSERT INTO cluster_generation (id, generation) VALUES (1, 0)", "ON dtables (assign_rev)");
        }
    }

    @Test
    void theSnapshotTableMigrationIsV4() throws IOException {
        String path = Schema.LOCATION.substring("classpath:".length()) + "/V4__snapshots_out_of_the_fence_row.sql";
        try (InputStream in = Schema.class.getClassLoader().getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            assertThat(new String(in.readAllBytes())).contains("CREATE TABLE dtable_snapshots",
                    "ALTER TABLE dtables DROP COLUMN snapshot");
        }
    }
}
