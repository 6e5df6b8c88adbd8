package dtable.server.socket;

import org.apache.catalina.connector.Connector;

/**
 * The servlet container's per-connection buffers, which every idle socket pays for.
 *
 * <p>WebSocket: Tomcat gives every WebSocket session Tomcat gives every WebSocket session six buffers of
 * {@code org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE} (8 KiB; the text one in chars, so 16 KiB) when it
 * opens, whether or not the socket ever carries a message: 48 KiB of an idle socket's ~95 KiB. Both
 * framings read messages as partial fragments and put them together themselves up to their own limit,
 * so a small buffer only means more fragments for a large message, never a refused one.
 *
 * <p>Connections: Tomcat's NIO connector gives every connection a read and a write buffer of 8 KiB
 * ({@code socket.appReadBufSize}, {@code socket.appWriteBufSize}) for as long as it is open: 16 KiB of an
 * idle socket. {@link #applyTo} makes them {@value #CONNECTION_BYTES} bytes; an HTTP request or response
 * larger than that takes more read or write calls, which is not measurable next to the request itself.
 *
 * <p>The property is read once, when Tomcat's WebSocket classes load, so {@link #apply()} must run
 * before the web server starts; a value already set (e.g. {@code -Dorg.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE=8192})
 * wins.
 */
public final class ContainerBuffers {

    /** Tomcat's system property for its WebSocket buffer size. */
    public static final String PROPERTY = "org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE";
    /** Bytes per buffer: a frame of SeaTable's usual operations fits in one or two. */
    public static final int BYTES = 1024;

    /** Bytes of each connection's read and write buffer. */
    public static final int CONNECTION_BYTES = 2048;

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
        connector.setProperty("socket.appReadBufSize", Integer.toString(CONNECTION_BYTES));
        connector.setProperty("socket.appWriteBufSize", Integer.toString(CONNECTION_BYTES));
    }
}
