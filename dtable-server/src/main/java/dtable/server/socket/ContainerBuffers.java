package dtable.server.socket;

import org.apache.catalina.connector.Connector;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;

/**
 * The servlet container's per-connection buffers, which every idle socket pays for.
 *
 * <p>WebSocket: Tomcat gives every WebSocket session, when it opens and whether or not the socket ever
 * carries a message, an input, an output and an encoder buffer of {@code org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE}
 * bytes (8 KiB by default; {@value #BYTES} here), and a binary and a text message buffer of the container's
 * default maximum message sizes (8 KiB each, the text one in chars). Both framings read messages as partial
 * fragments and put them together themselves up to their own limit, so a small message buffer only means
 * more fragments for a large message, never a refused one: the text buffer is {@value #TEXT_MESSAGE_CHARS}
 * chars (a client's usual frame is one or two fragments) and the binary one {@value #BINARY_MESSAGE_BYTES}
 * bytes (neither framing's clients send binary messages; the plain WebSocket refuses them).
 *
 * <p>Connections: Tomcat's NIO connector gives every connection a read and a write buffer ({@code socket.appReadBufSize},
 * {@code socket.appWriteBufSize}, 8 KiB by default) for as long as it is open. {@link #applyTo} makes the read
 * buffer {@value #READ_BYTES} bytes: no larger than a WebSocket input buffer, so a WebSocket read goes straight
 * into that buffer, and an HTTP request is read into the request's own header buffer in the same way. The
 * write buffer is {@value #WRITE_BYTES} bytes: a response larger than it takes more write calls.
 *
 * <p>The property is read once, when Tomcat's WebSocket classes load, so {@link #apply()} must run
 * before the web server starts; a value already set (e.g. {@code -Dorg.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE=8192})
 * wins.
 */
public final class ContainerBuffers {

    /** Tomcat's system property for its WebSocket buffer size. */
    public static final String PROPERTY = "org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE";
    /** Bytes per WebSocket input, output and encoder buffer: a frame of SeaTable's usual operations fits in one or two. */
    public static final int BYTES = 1024;
    /** Chars of a WebSocket session's text message buffer (the largest fragment handed to a partial handler). */
    public static final int TEXT_MESSAGE_CHARS = 256;
    /** Bytes of a WebSocket session's binary message buffer. */
    public static final int BINARY_MESSAGE_BYTES = 128;

    /** Bytes of each connection's read buffer. */
    public static final int READ_BYTES = BYTES;
    /** Bytes of each connection's write buffer. */
    public static final int WRITE_BYTES = 2048;

    private ContainerBuffers() {
    }

    /** Sets the container's WebSocket buffer size unless it was set already. */
    public static void apply() {
        if (System.getProperty(PROPERTY) == null) {
            System.setProperty(PROPERTY, Integer.toString(BYTES));
        }
    }

    /** Sets the connector's per-connection buffers (a Spring Boot connector customizer). */
    public static void applyTo(Connector connector) {
        connector.setProperty("socket.appReadBufSize", Integer.toString(READ_BYTES));
        connector.setProperty("socket.appWriteBufSize", Integer.toString(WRITE_BYTES));
    }

    /** The WebSocket container's message buffers (a bean: Spring applies it to the container at start-up). */
    public static ServletServerContainerFactoryBean messageBuffers() {
        ServletServerContainerFactoryBean container = new ServletServerContainerFactoryBean();
        container.setMaxTextMessageBufferSize(TEXT_MESSAGE_CHARS);
        container.setMaxBinaryMessageBufferSize(BINARY_MESSAGE_BYTES);
        return container;
    }
}
