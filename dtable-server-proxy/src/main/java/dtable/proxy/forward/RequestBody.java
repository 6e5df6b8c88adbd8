package dtable.proxy.forward;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.util.concurrent.atomic.AtomicBoolean;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;

/**
 * The body of one proxied request, as far as retries are concerned.
 *
 * <ul>
 *   <li>{@link Empty}: no body; replayable.</li>
 *   <li>{@link Buffered}: a declared length up to the replay limit, read completely before the first
 *       attempt so that a retry at a new owner can send it again.</li>
 *   <li>{@link Streamed}: larger or of unknown length (chunked); piped to the node as it arrives, so it
 *       can be sent only once: replayable until an attempt has started reading it.</li>
 * </ul>
 *
 * Threads: a body belongs to one request; {@link #open()} is called by one attempt at a time.
 */
public sealed interface RequestBody {

    /** The declared or buffered length, or -1 when unknown (chunked). */
    long length();

    /** True when a (further) attempt can still send the whole body. */
    boolean replayable();

    /** The body for one attempt. Callers check {@link #replayable()} first. */
    Publisher<ByteBuf> open();

    /** Frees a buffered body; idempotent. */
    void release();

    /**
     * Reads the body of {@code request} as far as needed to decide its kind: a declared length up to
     * {@code replayLimit} is aggregated, anything else is left streaming.
     */
    static Mono<RequestBody> read(HttpServerRequest request, long replayLimit) {
        HttpHeaders headers = request.requestHeaders();
        boolean chunked = headers.contains(HttpHeaderNames.TRANSFER_ENCODING);
        long length = chunked ? -1 : contentLength(headers);
        if (!chunked && length <= 0) {
            // HTTP/1.1: without Content-Length or Transfer-Encoding a request has no body
            return Mono.just(new Empty(length == 0));
        }
        if (!chunked && length <= replayLimit) {
            return request.receive().aggregate().retain()
                    .<RequestBody>map(Buffered::new)
                    .switchIfEmpty(Mono.fromSupplier(() -> new Empty(true)));
        }
        return Mono.just(new Streamed(request.receive().retain(), length));
    }

    private static long contentLength(HttpHeaders headers) {
        String value = headers.get(HttpHeaderNames.CONTENT_LENGTH);
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1; // Netty's decoder has already refused malformed lengths; be defensive anyway
        }
    }

    /** No body. {@code declaredZero}: the client sent {@code Content-Length: 0}, which is forwarded. */
    record Empty(boolean declaredZero) implements RequestBody {
        @Override
        public long length() {
            return declaredZero ? 0 : -1;
        }

        @Override
        public boolean replayable() {
            return true;
        }

        @Override
        public Publisher<ByteBuf> open() {
            return Flux.empty();
        }

        @Override
        public void release() {
        }
    }

    /** A complete body held in (pooled) memory until the request ends. */
    final class Buffered implements RequestBody {
        private final ByteBuf content;
        private final AtomicBoolean released = new AtomicBoolean();

        Buffered(ByteBuf content) {
            this.content = content;
        }

        @Override
        public long length() {
            return content.readableBytes();
        }

        @Override
        public boolean replayable() {
            return !released.get();
        }

        @Override
        public Publisher<ByteBuf> open() {
            // each attempt writes (and so releases) its own reference
            return Mono.fromSupplier(content::retainedDuplicate);
        }

        @Override
        public void release() {
            if (released.compareAndSet(false, true)) {
                content.release();
            }
        }
    }

    /** A body piped from the client as it arrives; it can be read once. */
    final class Streamed implements RequestBody {
        private final Flux<ByteBuf> source;
        private final long length;
        private final AtomicBoolean opened = new AtomicBoolean();

        Streamed(Flux<ByteBuf> source, long length) {
            this.source = source;
            this.length = length;
        }

        @Override
        public long length() {
            return length;
        }

        @Override
        public boolean replayable() {
            return !opened.get();
        }

        @Override
        public Publisher<ByteBuf> open() {
            return source.doOnSubscribe(subscription -> opened.set(true));
        }

        @Override
        public void release() {
        }
    }
}
