package dtable.server;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dtable.core.bucket.BaseUuid;
import dtable.core.bucket.Bucket;
import dtable.core.cluster.BucketMap;
import dtable.core.cluster.NodeInfo;
import dtable.model.SyntheticBase;
import dtable.server.base.BaseRegistry;
import dtable.server.base.LoadedBase;
import dtable.server.cluster.Ownership;
import dtable.server.storage.BaseStore;
import dtable.server.storage.MysqlOperationLog;
import dtable.server.storage.OperationLog;
import dtable.storage.Schema;
import dtable.testsupport.MariaDbExtension;
import dtable.testsupport.Teardown;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A node's storage and ownership objects against a real MariaDB, without Spring or etcd: the map is
 * fed by hand, so tests can make two nodes both believe they own a bucket (a stale map).
 */
public final class StorageFixture implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public final HikariDataSource dataSource;
    public final BaseStore store;

    public StorageFixture(String jdbcUrl, String user, String password) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(8);
        // as application.properties
        config.addDataSourceProperty("cachePrepStmts", "true");
        config.addDataSourceProperty("useLocalSessionState", "true");
        this.dataSource = new HikariDataSource(config);
        Schema.migrate(dataSource);
        this.store = new BaseStore(dataSource);
    }

    /** One simulated node: its own operation log writer, ownership and registry on the shared database. */
    public final class Node implements AutoCloseable {
        public final String nodeId;
        public final OperationLog log;
        public final Ownership ownership;
        public final BaseRegistry registry;
        /** What the node does with buckets it stopped serving; nothing unless a test says so. */
        public volatile java.util.function.BiConsumer<java.util.Set<Bucket>, String> onLost = (buckets, reason) -> { };

        Node(String nodeId) {
            this.nodeId = nodeId;
            this.log = new MysqlOperationLog(dataSource, 256, 1, size -> { });
            this.ownership = new Ownership(nodeId, (buckets, reason) -> onLost.accept(buckets, reason));
            this.registry = new BaseRegistry(nodeId, store, log, ownership, Clock.systemUTC(),
                    new BaseRegistry.Limits(10_000_000));
            ownership.onRegistered();
        }

        /** Makes this node believe it owns {@code bucket} under {@code token} (generation 0: a bare revision). */
        public void believeOwner(Bucket bucket, long token) {
            believeOwner(bucket, 0, token);
        }

        /** Makes this node believe it owns {@code bucket} under the map of cluster {@code generation} at {@code revision}. */
        public void believeOwner(Bucket bucket, long generation, long revision) {
            BucketMap map = ownership.map().toBuilder()
                    .node(new NodeInfo(nodeId, "http://" + nodeId + "/", "http://" + nodeId + "/", "now"))
                    .owner(bucket, nodeId, revision).revision(revision).generation(generation).build();
            ownership.onMap(map);
        }

        @Override
        public void close() {
            log.close();
        }
    }

    public Node node(String nodeId) {
        return new Node(nodeId);
    }

    /** A new empty base owned by {@code node-a} at owner token 1, for tests of the operation log alone. */
    public String newLogBase() {
        String uuid = java.util.UUID.randomUUID().toString();
        if (!store.create(uuid, "node-a", 1, null, 0, 0)) {
            throw new IllegalStateException("base " + uuid + " already exists");
        }
        return uuid;
    }

    /**
     * Appends an {@code insert_row} at {@code version} to a base of {@link #newLogBase()} (node-a, token 1),
     * queued under {@code instance}; the future completes when the writer answers.
     */
    public static java.util.concurrent.CompletableFuture<Void> appendInsert(OperationLog log, Object instance,
                                                                           String uuid, long version) {
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        log.append(new OperationLog.Append(instance, uuid, "node-a", 1, version, System.currentTimeMillis(),
                "tester", null, "{\"op_type\":\"insert_row\"}", 1, done));
        return done;
    }

    /** A logged row: version, epoch, node and operation JSON. */
    public record LogRow(long version, long epoch, String node, String operation) {
    }

    public List<LogRow> log(BaseUuid uuid) throws Exception {
        return query("SELECT op_version, owner_epoch, node_id, operation FROM operation_log WHERE dtable_uuid = ?"
                + " ORDER BY op_version", rs -> new LogRow(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4)),
                uuid.value());
    }

    /** One row of a result set, read. */
    public interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** Every row {@code sql} returns with {@code params} bound in order, each read by {@code row}. */
    public <T> List<T> query(String sql, RowReader<T> row, Object... params) throws SQLException {
        List<T> rows = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(row.read(rs));
                }
            }
        }
        return rows;
    }

    /** An {@code insert_row} of one row whose first synthetic column is {@code name}, on {@code base}'s lane. */
    public static LoadedBase.Committed<Void> insertRow(LoadedBase base, String name) {
        return base.execute(model -> {
            ObjectNode op = JSON.createObjectNode().put("op_type", "insert_row").put("table_id", "0000");
            op.putObject("row_data").put(SyntheticBase.key(0), name);
            return op;
        }, "bench", null, null, 0, null);
    }

    @Override
    public void close() {
        dataSource.close();
    }

    /** A MariaDB for the test class and a fixture on it: {@code @RegisterExtension static final OnMariaDb STORAGE = StorageFixture.onMariaDb();}. */
    public static OnMariaDb onMariaDb() {
        return new OnMariaDb();
    }

    /** Starts MariaDB and the fixture before the class's tests, closes both after them. */
    public static final class OnMariaDb implements BeforeAllCallback, AfterAllCallback {
        private final MariaDbExtension mariadb = MariaDbExtension.create();
        private StorageFixture storage;

        @Override
        public void beforeAll(ExtensionContext context) throws Exception {
            mariadb.beforeAll(context);
            storage = new StorageFixture(mariadb.jdbcUrl(), mariadb.user(), mariadb.password());
        }

        @Override
        public void afterAll(ExtensionContext context) throws Exception {
            Teardown.closeAll(storage, () -> mariadb.afterAll(context));
        }

        public StorageFixture get() {
            return storage;
        }
    }
}
