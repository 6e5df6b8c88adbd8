package dtable.bench.socket;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RawWebSocketTest {

    @Test
    void aTextFrameIsOneMaskedFinalFrameWithTheLengthInTheRightForm() {
        for (int length : new int[] {0, 5, 125, 126, 65535, 65536, 70_000}) {
            String text = "é".repeat(length / 2) + "x".repeat(length % 2); // é is two bytes in UTF-8
            byte[] payload = text.getBytes(StandardCharsets.UTF_8);
            byte[] frame = RawWebSocket.textFrame(text);
            assertThat(frame[0] & 0xff).as("FIN + text").isEqualTo(0x81);
            assertThat(frame[1] & 0x80).as("masked").isEqualTo(0x80);
            int header;
            long declared;
            if (payload.length < 126) {
                header = 2;
                declared = frame[1] & 0x7f;
            } else if (payload.length < 65536) {
                header = 4;
                assertThat(frame[1] & 0x7f).isEqualTo(126);
                declared = ((frame[2] & 0xff) << 8) | (frame[3] & 0xff);
            } else {
                header = 10;
                assertThat(frame[1] & 0x7f).isEqualTo(127);
                declared = 0;
                for (int i = 0; i < 8; i++) {
                    declared = (declared << 8) | (frame[2 + i] & 0xff);
                }
            }
            assertThat(declared).as("length of %d bytes", payload.length).isEqualTo(payload.length);
            assertThat(frame).hasSize(header + 4 + payload.length);
            byte[] unmasked = new byte[payload.length];
            for (int i = 0; i < payload.length; i++) {
                unmasked[i] = (byte) (frame[header + 4 + i] ^ frame[header + (i & 3)]);
            }
            assertThat(unmasked).isEqualTo(payload);
        }
    }
}
