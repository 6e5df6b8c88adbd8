package dtable.server.socket.socketio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/**
 * socket.io's WebSocket messages are put together from the container's fragments up to a limit
 * (twice max_request_bytes in a node, so that an operation over max_request_bytes is refused in its
 * ack instead); a message over the limit closes the socket with 1009 and is never handed on.
 */
class EngineIoAdapterTest {

    private static final int LIMIT = 1000;

    private final Session session = mock(Session.class);
    private final List<Object> messages = new CopyOnWriteArrayList<>();
    private final EngineIoServlet.Adapter adapter;

    EngineIoAdapterTest() {
        when(session.getQueryString()).thenReturn("EIO=4&transport=websocket&dtable_uuid=x");
        adapter = new EngineIoServlet.Adapter(session, LIMIT);
        adapter.on("message", args -> messages.add(args[0]));
    }

    @Test
    void fragmentsUpToTheLimitMakeOneMessage() throws Exception {
        adapter.text("a".repeat(600), false);
        adapter.text("b".repeat(400), true);
        adapter.text("42[\"ping\"]", true);

        assertThat(messages).containsExactly("a".repeat(600) + "b".repeat(400), "42[\"ping\"]");
        verify(session, never()).close(any(CloseReason.class));
    }

    @Test
    void aTextMessageOverTheLimitCloses1009AndIsNotHandedOn() throws Exception {
        adapter.text("a".repeat(600), false);
        adapter.text("b".repeat(401), false);
        adapter.text("c", true); // the rest of it, if the container still delivers it

        assertThat(closeCode()).isEqualTo(1009);
        assertThat(messages).as("no part of the message reaches the engine").isEmpty();
    }

    @Test
    void aBinaryMessageOverTheLimitCloses1009AndIsNotHandedOn() throws Exception {
        adapter.binary(ByteBuffer.wrap("a".repeat(LIMIT).getBytes(StandardCharsets.UTF_8)), false);
        adapter.binary(ByteBuffer.wrap(new byte[] {1}), true);

        assertThat(closeCode()).isEqualTo(1009);
        assertThat(messages).isEmpty();
    }

    private int closeCode() throws Exception {
        ArgumentCaptor<CloseReason> reason = ArgumentCaptor.forClass(CloseReason.class);
        verify(session).close(reason.capture());
        return reason.getValue().getCloseCode().getCode();
    }

    @Test
    void listenersAreCalledPerEventInOrderAndCanBeRemoved() {
        List<String> seen = new CopyOnWriteArrayList<>();
        io.socket.engineio.server.Emitter.Listener closed = args -> seen.add("close 1");
        adapter.on("close", closed);
        adapter.on("close", args -> seen.add("close 2"));
        adapter.once("error", args -> seen.add("error " + args[0]));

        adapter.emit("close");
        adapter.emit("error", "a");
        adapter.emit("error", "b");
        assertThat(seen).containsExactly("close 1", "close 2", "error a");
        assertThat(adapter.hasListeners("close")).isTrue();
        assertThat(adapter.listeners("close")).hasSize(2);

        adapter.off("close", closed);
        adapter.emit("close");
        assertThat(seen).containsExactly("close 1", "close 2", "error a", "close 2");

        adapter.off("close");
        assertThat(adapter.hasListeners("close")).isFalse();
        adapter.text("still heard", true);
        assertThat(messages).containsExactly("still heard");

        adapter.off();
        adapter.text("not heard", true);
        assertThat(messages).containsExactly("still heard");
    }
}
