package dtable.bench.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OptionsTest {

    @TempDir
    Path dir;

    private String key() throws Exception {
        Path key = dir.resolve("private_key");
        Files.writeString(key, "k".repeat(40));
        return key.toString();
    }

    @Test
    void defaultsAndOverrides() throws Exception {
        Options options = Options.parse(new String[] {"rooms", "--key-file", key(), "--transport", "socketio",
                "--sockets", "1000", "--bases", "10", "--rate", "200"});
        assertThat(options.scenario()).isEqualTo("rooms");
        assertThat(options.framing()).isEqualTo(LoadSocket.Framing.SOCKETIO);
        assertThat(options.number("sockets")).isEqualTo(1000);
        assertThat(options.number("warmup")).isEqualTo(50);
        assertThat(options.createUrl()).isEqualTo("http://127.0.0.1:5000/");
        assertThat(options.socketUrl(7)).isEqualTo("http://127.0.0.1:5000/");
        assertThat(Options.parse(new String[] {"hold", "--key-file", key(), "--socket-url", "http://127.0.0.1:5010/"})
                .socketUrl(3)).isEqualTo("http://127.0.0.1:5010/");
        Options proxies = Options.parse(new String[] {"storm", "--key-file", key(), "--socket-url",
                "http://127.0.0.1:5550/,http://127.0.0.1:5551/"});
        assertThat(proxies.socketUrls()).containsExactly("http://127.0.0.1:5550/", "http://127.0.0.1:5551/");
        assertThat(proxies.socketUrl(0)).isEqualTo("http://127.0.0.1:5550/");
        assertThat(proxies.socketUrl(1)).isEqualTo("http://127.0.0.1:5551/");
        assertThat(proxies.socketUrl(4)).isEqualTo("http://127.0.0.1:5550/");
    }

    @Test
    void badCommandLinesAreRefusedWithTheOptionNamed() throws Exception {
        String key = key();
        assertThatThrownBy(() -> SocketLoad.run("flood", "--key-file", key)).hasMessageContaining("scenario");
        assertThatThrownBy(() -> SocketLoad.run("hold", "--key-file", key, "--sockets", "-3")).hasMessageContaining("--sockets");
        assertThatThrownBy(() -> SocketLoad.run("hold", "--key-file", key, "--socket", "3")).hasMessageContaining("--socket");
        assertThatThrownBy(() -> SocketLoad.run("hold", "--key-file", key, "--transport", "smoke"))
                .hasMessageContaining("--transport");
        assertThatThrownBy(() -> SocketLoad.run("hold", "--key-file", dir.resolve("none").toString()))
                .hasMessageContaining("--key-file");
        assertThatThrownBy(() -> SocketLoad.run("hold", "--key-file", key, "--bases", "5", "--sockets", "4"))
                .hasMessageContaining("--bases");
        assertThatThrownBy(() -> SocketLoad.run("hold", "--key-file", key, "--url")).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> SocketLoad.run("rooms", "--key-file", key, "--sockets", "10", "--bases", "5", "--stopped", "6"))
                .hasMessageContaining("--stopped");
        assertThatThrownBy(() -> SocketLoad.run("hold", "--key-file", key, "--socket-url", "127.0.0.1:5010"))
                .hasMessageContaining("--socket-url");
        assertThatThrownBy(() -> SocketLoad.run("hold", "--key-file", key, "--socket-url", "http://127.0.0.1:5010/,"))
                .hasMessageContaining("--socket-url");
        assertThatThrownBy(() -> SocketLoad.run("hold", "--key-file", key, "--url", "http://a:1/,http://b:1/"))
                .hasMessageContaining("--url");
    }

    @Test
    void framesAreReadByHand() {
        assertThat(Json.longAfter("{\"event\":\"ack\",\"seq\":7,\"data\":{\"version\": 42}}", "\"version\":")).isEqualTo(42);
        assertThat(Json.lastLong("42[\"update-dtable\",\"{\\\"op_type\\\":1}\",1234]")).isEqualTo(1234);
        assertThat(Json.stringAfter("{\"node_url\":null}", "\"node_url\":")).isNull();
        assertThat(Json.stringAfter("{\"node_url\":\"http://n:1/\"}", "\"node_url\":")).isEqualTo("http://n:1/");
        assertThat(Json.quote("a\"b\\c\n")).isEqualTo("\"a\\\"b\\\\c\\n\"");
    }
}
