package dtable.core.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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

    @Test
    void awaitAnswersTheValueAndTurnsFailuresAndTimeoutsIntoEtcdUnavailable() {
        Duration second = Duration.ofSeconds(1);
        assertThat(EtcdClients.await(CompletableFuture.completedFuture("v"), second, "read")).isEqualTo("v");

        IllegalStateException cause = new IllegalStateException("refused");
        assertThatThrownBy(() -> EtcdClients.await(CompletableFuture.failedFuture(cause), second, "read of /x"))
                .isInstanceOf(EtcdUnavailableException.class).hasMessageStartingWith("read of /x failed")
                .hasCause(cause);

        CompletableFuture<String> never = new CompletableFuture<>();
        assertThatThrownBy(() -> EtcdClients.await(never, Duration.ofMillis(20), "txn"))
                .isInstanceOf(EtcdUnavailableException.class).hasMessageContaining("txn timed out after");
        assertThat(never).isCancelled();
    }

    @Test
    void awaitKeepsTheInterrupt() {
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> EtcdClients.await(new CompletableFuture<>(), Duration.ofSeconds(5), "txn"))
                    .isInstanceOf(EtcdUnavailableException.class).hasMessage("txn interrupted");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }
}
