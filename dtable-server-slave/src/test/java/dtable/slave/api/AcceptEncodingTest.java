package dtable.slave.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AcceptEncodingTest {

    @Test
    void gzipIsAcceptedWhenNamedOrCoveredByAStar() {
        assertThat(ReadController.acceptsGzip("gzip")).isTrue();
        assertThat(ReadController.acceptsGzip("gzip, deflate, br, zstd")).isTrue();
        assertThat(ReadController.acceptsGzip("deflate, GZIP;q=0.5")).isTrue();
        assertThat(ReadController.acceptsGzip("x-gzip")).isTrue();
        assertThat(ReadController.acceptsGzip("*")).isTrue();
    }

    @Test
    void gzipIsNotAcceptedWhenAbsentOrRefused() {
        assertThat(ReadController.acceptsGzip(null)).isFalse();
        assertThat(ReadController.acceptsGzip("")).isFalse();
        assertThat(ReadController.acceptsGzip("identity")).isFalse();
        assertThat(ReadController.acceptsGzip("br, deflate")).isFalse();
        assertThat(ReadController.acceptsGzip("gzip;q=0")).isFalse();
        assertThat(ReadController.acceptsGzip("gzip; q=0.0, identity")).isFalse();
        assertThat(ReadController.acceptsGzip("gzip;q=zero")).isFalse();
        assertThat(ReadController.acceptsGzip("gzipped")).isFalse();
    }
}
