package dtable.proxy.forward;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;

/**
 * What the two forwarding handlers of a client connection ({@link ByteForwardingHandler} before the HTTP codec,
 * {@link ForwardingChannelHandler} after it) do alike with the connection's events: tell the exchange they run,
 * if any, that the client can take more or is gone, and let go of what they hold when the connection closes.
 *
 * <p>Threads: the connection's event loop.
 */
abstract class ClientConnectionHandler extends ChannelDuplexHandler {

    /** What an exchange needs to hear of its client connection. */
    interface ClientExchange {
        /** The client connection's writability changed. */
        void clientWritable();

        /** The client connection closed or failed. */
        void clientGone();
    }

    /** The exchange running on this connection, or null. */
    abstract ClientExchange running();

    /** Releases what this handler holds for requests to come; the connection closed. */
    abstract void releaseHeld();

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ClientExchange exchange = running();
        if (exchange != null) {
            exchange.clientWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        ClientExchange exchange = running();
        if (exchange != null) {
            exchange.clientGone();
        }
        releaseHeld();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ClientExchange exchange = running();
        if (exchange != null) {
            exchange.clientGone();
            ctx.close();
            return;
        }
        ctx.fireExceptionCaught(cause);
    }
}
