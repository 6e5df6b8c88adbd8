package dtable.server.base;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class InflatingReaderTest {

    @Test
    void readsWhatWasGzippedAcrossManyChunks() throws IOException {
        byte[] plain = new byte[3 * 1024 * 1024 + 17];
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < plain.length; i++) {
            plain[i] = (byte) ('a' + random.nextInt(4));
        }
        try (InputStream in = InflatingReader.start(gzip(plain), "test")) {
            byte[] read = new byte[plain.length];
            int n = 0;
            for (int r = in.read(read, 0, 1000); r > 0; r = in.read(read, n, Math.min(77_777, read.length - n))) {
                n += r;
                if (n == read.length) {
                    break;
                }
            }
            assertThat(n).isEqualTo(plain.length);
            assertThat(Arrays.equals(read, plain)).isTrue();
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void aCorruptSnapshotFailsTheReadAfterWhatCouldBeInflated() throws IOException {
        byte[] gzip = gzip(new byte[600_000]);
        byte[] corrupt = Arrays.copyOf(gzip, gzip.length / 2);
        try (InputStream in = InflatingReader.start(corrupt, "test")) {
            assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class).hasMessageContaining("inflated");
        }
    }

    @Test
    void closingEarlyStopsTheInflatingThread() throws Exception {
        byte[] gzip = gzip(new byte[20 * 1024 * 1024]);
        InputStream in = InflatingReader.start(gzip, "early-close");
        assertThat(in.read()).isZero();
        in.close();
        Thread inflater = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("inflate-early-close")).findFirst().orElse(null);
        if (inflater != null) {
            inflater.join(30_000);
            assertThat(inflater.isAlive()).isFalse();
        }
    }

    private static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(plain);
        }
        return bytes.toByteArray();
    }
}
