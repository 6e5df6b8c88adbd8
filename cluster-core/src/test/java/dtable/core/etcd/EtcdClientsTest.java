package dtable.core.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class EtcdClientsTest {

    @Test
    void acceptsSeaTableHostPortAndFullUrls() {
        assertThat(EtcdClients.endpoints(List.of("etcd-1:2379", " 127.0.0.1:22379 ", "https://etcd-3:32379")))
                .containsExactly(URI.create("http://etcd-1:2379"), URI.create("http://127.0.0.1:22379"),
                        URI.create("https://etcd-3:32379"));
    }

    @Test
    void rejectsAnEmptyListAndEntriesWithoutAPort() {
        assertThatThrownBy(() -> EtcdClients.endpoints(List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("etcd_host_list");
        assertThatThrownBy(() -> EtcdClients.endpoints(List.of("etcd-1"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("etcd-1");
    }
}
