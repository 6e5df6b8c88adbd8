package dtable.bench.socket;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextMessageTest {

    @Test
    void aMessageInOnePartIsReturnedAtOnce() {
        assertThat(new TextMessage().append("42[\"x\"]", true)).isEqualTo("42[\"x\"]");
    }

    @Test
    void partsAreJoinedUntilTheLastAndTheNextMessageStartsEmpty() {
        TextMessage message = new TextMessage();
        assertThat(message.append("{\"a\":", false)).isNull();
        assertThat(message.append("1", false)).isNull();
        assertThat(message.append("}", true)).isEqualTo("{\"a\":1}");
        assertThat(message.append("3", true)).isEqualTo("3");
    }
}
