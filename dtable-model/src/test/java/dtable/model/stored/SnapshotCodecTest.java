package dtable.model.stored;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dtable.model.Base;
import dtable.model.FrozenBase;
import dtable.model.ModelException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SnapshotCodecTest {

    @Test
    void aBaseSurvivesTheRoundTripWithItsVersion() {
        Base owner = Operations.ownerWithRows(5);
        byte[] gzip = SnapshotCodec.encode(owner);
        assertThat(gzip[0] & 0xff).isEqualTo(0x1f); // gzip magic: what the rows already in MySQL hold
        assertThat(gzip[1] & 0xff).isEqualTo(0x8b);
        Base read = SnapshotCodec.decode(gzip, "b1");
        assertThat(read.version()).isEqualTo(5);
        assertThat(read.toJson()).isEqualTo(owner.toJson());
    }

    @Test
    void aFrozenViewEncodesLikeTheBaseItWasTakenFrom() {
        Base owner = Operations.ownerWithRows(3);
        String before = owner.toJson();
        byte[] gzip;
        try (FrozenBase frozen = owner.freeze()) {
            Operations.appendRow(owner, "after the freeze");
            gzip = SnapshotCodec.encode(frozen::write, 0);
        }
        assertThat(SnapshotCodec.decode(gzip, "b1").toJson()).isEqualTo(before);
    }

    @Test
    void compressingFramesWhatIsWrittenThroughIt() throws IOException {
        Base owner = Operations.ownerWithRows(2);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = SnapshotCodec.compressing(bytes)) {
            owner.write(out);
        }
        try (var in = SnapshotCodec.inflating(bytes.toByteArray())) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(owner.toJson());
        }
    }

    @Test
    void noSnapshotIsAnEmptyBaseAtVersionZero() {
        Base empty = SnapshotCodec.decode(null, "b1");
        assertThat(empty.version()).isZero();
        assertThat(empty.tables()).isEmpty();
    }

    @Test
    void bytesThatAreNotGzipSayTheSnapshotCannotBeInflated() {
        byte[] plainJson = Operations.ownerWithRows(1).toJson().getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> SnapshotCodec.decode(plainJson, "b-plain"))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("snapshot of b-plain cannot be inflated");
    }

    @Test
    void aTruncatedOrCorruptGzipBodySaysTheSnapshotCannotBeInflated() {
        byte[] gzip = SnapshotCodec.encode(Operations.ownerWithRows(200));
        byte[] truncated = Arrays.copyOf(gzip, gzip.length / 2);
        assertThatThrownBy(() -> SnapshotCodec.decode(truncated, "b-cut"))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("snapshot of b-cut cannot be inflated");

        byte[] corrupt = gzip.clone();
        for (int i = 20; i < 60; i++) {
            corrupt[i] ^= 0x5a;
        }
        assertThatThrownBy(() -> SnapshotCodec.decode(corrupt, "b-bad"))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("snapshot of b-bad cannot be inflated");
    }

    @Test
    void gzipThatHoldsNoBaseIsAModelErrorNotAnInflateError() {
        byte[] gzip = SnapshotCodec.encode(out -> {
            try {
                out.write("[1, 2, 3]".getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, 0);
        assertThatThrownBy(() -> SnapshotCodec.decode(gzip, "b1")).isInstanceOf(ModelException.class)
                .hasMessageContaining("a base must be a JSON object");
    }

    @Test
    void snapshotsAreDeflatedAtTheFastestLevel() throws IOException {
        byte[] json = SyntheticJson.of(20_000);
        ByteArrayOutputStream viaCodec = new ByteArrayOutputStream();
        try (OutputStream out = SnapshotCodec.compressing(viaCodec)) {
            out.write(json);
        }
        java.util.zip.Deflater fastest = new java.util.zip.Deflater(java.util.zip.Deflater.BEST_SPEED, true);
        java.util.zip.Deflater standard = new java.util.zip.Deflater(java.util.zip.Deflater.DEFAULT_COMPRESSION, true);
        int gzipFraming = 10 + 8; // header and trailer around the raw deflate stream
        assertThat(viaCodec.size() - gzipFraming).isEqualTo(deflatedSize(fastest, json))
                .isNotEqualTo(deflatedSize(standard, json));
        assertThat(SnapshotCodec.inflating(viaCodec.toByteArray()).readAllBytes()).isEqualTo(json);
    }

    private static int deflatedSize(java.util.zip.Deflater deflater, byte[] input) {
        deflater.setInput(input);
        deflater.finish();
        byte[] buffer = new byte[input.length + 1024];
        int n = 0;
        while (!deflater.finished()) {
            n += deflater.deflate(buffer, n, buffer.length - n);
        }
        deflater.end();
        return n;
    }

    /** Compressible JSON-like text of some size, the same every time. */
    private static final class SyntheticJson {
        static byte[] of(int rows) {
            StringBuilder text = new StringBuilder("{\"rows\":[");
            for (int i = 0; i < rows; i++) {
                text.append("{\"_id\":\"r").append(Integer.toString(i * 7919, 36)).append("\",\"name\":\"row ").append(i % 97)
                        .append("\"},");
            }
            return text.append("{}]}").toString().getBytes(StandardCharsets.UTF_8);
        }
    }
}
