package dtable.clustertest;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** The etcd-loss scenarios ({@link EtcdLossScenarios}) on the suite's private cluster, checked like every other. */
class EtcdLossScenariosIT extends ScenarioSuite {

    EtcdLossScenariosIT() {
        super("etcd loss", "etcd-loss-scenarios.md");
    }

    @Test
    @Order(1)
    void etcdWiped() {
        check(EtcdLossScenarios.etcdWiped());
    }

    @Test
    @Order(2)
    void etcdRestored() {
        check(EtcdLossScenarios.etcdRestored());
    }

    @Test
    @Order(3)
    void etcdWipedNodeKilled() {
        check(EtcdLossScenarios.etcdWipedNodeKilled());
    }

    @Test
    @Order(4)
    void etcdRestoredNodeKilled() {
        check(EtcdLossScenarios.etcdRestoredNodeKilled());
    }
}
