package dtable.core.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EtcdLineageTest {

    private final EtcdLineage lineage = new EtcdLineage();

    @Test
    void growingRevisionsOfOneClusterFit() {
        assertThat(lineage.observe(0xabc, 10, 0)).isNull();
        assertThat(lineage.observe(0xabc, 10, lineage.highestRevision())).isNull();
        assertThat(lineage.observe(0xabc, 96, 0)).isNull();
        assertThat(lineage.observe(0xabc, 97, lineage.highestRevision())).isNull();
        assertThat(lineage.highestRevision()).isEqualTo(97);
    }

    @Test
    void aLinearizableReadBelowTheHighestRevisionMeansEtcdWentBack() {
        lineage.observe(0xabc, 96, 0);
        assertThat(lineage.observe(0xabc, 5, lineage.highestRevision())).contains("went back from 96 to 5");
        // still reporting until the caller restarts the lineage from the new history
        assertThat(lineage.observe(0xabc, 6, lineage.highestRevision())).isNotNull();
        lineage.restartFrom(0xabc, 5);
        assertThat(lineage.observe(0xabc, 6, lineage.highestRevision())).isNull();
    }

    @Test
    void aReadSentBeforeAWatchEventArrivedMayBeLowerThanThatEvent() {
        lineage.observe(0xabc, 2, 0);
        long floorWhenSent = lineage.highestRevision();
        lineage.observe(0xabc, 3, 0); // the watch delivers revision 3 while the read is in flight
        assertThat(lineage.observe(0xabc, 2, floorWhenSent)).isNull();
    }

    @Test
    void aWatchHeaderFromALaggingMemberIsNotARegressionButAnotherClusterIdIs() {
        lineage.observe(0xabc, 96, 0);
        assertThat(lineage.observe(0xabc, 94, 0)).isNull();
        assertThat(lineage.observe(0xdef, 200, 0)).contains("cluster id changed from abc to def");
    }

    @Test
    void anUnknownClusterIdIsNotAChange() {
        lineage.observe(0xabc, 10, 0);
        assertThat(lineage.observe(0, 11, 10)).isNull();
        assertThat(lineage.clusterId()).isEqualTo(0xabc);
    }
}
