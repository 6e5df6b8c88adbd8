package dtable.storage;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.sql.SQLTransientConnectionException;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class ReadersFailureTest {

    /** A pool that cannot hand out a connection, as Hikari answers when MySQL is down. */
    private static final DataSource DOWN = (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(),
            new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                throw new SQLTransientConnectionException("Connection is not available, request timed out");
            });

    @Test
    void aDatabaseThatDoesNotAnswerIsAStorageExceptionNamingTheBase() {
        assertThatThrownBy(() -> new SnapshotReader(DOWN).read("b-1")).isInstanceOf(StorageException.class)
                .hasMessageContaining("snapshot of b-1").hasMessageContaining("not available");
        assertThatThrownBy(() -> new OperationLogReader(DOWN).read("b-2", 0, 10)).isInstanceOf(StorageException.class)
                .hasMessageContaining("operation log of b-2");
        assertThatThrownBy(() -> new OperationLogReader(DOWN).tail("b-3", 0)).isInstanceOf(StorageException.class)
                .hasMessageContaining("operation log of b-3");
    }
}
