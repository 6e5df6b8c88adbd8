package dtable.proxy.forward;

import io.netty.buffer.ByteBuf;

/**
 * Finds where a chunked body ends (RFC 9112 §7.1) in bytes that are passed on unchanged: chunk sizes with
 * optional extensions, chunk data, the last chunk, trailer lines, the final CRLF. It keeps its place between
 * calls, so the body may arrive in any pieces. One instance per body; not thread-safe.
 */
final class ChunkedBody {

    /** {@link #scan}: the body goes on past the bytes given. */
    static final int MORE = -1;
    /** {@link #scan}: the bytes are not a chunked body. */
    static final int MALFORMED = -2;

    private enum State { SIZE, EXTENSION, SIZE_LF, DATA, DATA_CR, DATA_LF, TRAILER_START, TRAILER_LINE, END_LF, DONE }

    private State state = State.SIZE;
    private long size;
    private int digits;

    /**
     * Scans {@code in} from {@code from} to {@code to} (exclusive).
     *
     * @return the index just past the body's last byte, {@link #MORE}, or {@link #MALFORMED}
     */
    int scan(ByteBuf in, int from, int to) {
        int i = from;
        while (i < to) {
            switch (state) {
                case DATA -> {
                    long take = Math.min(size, to - i);
                    i += (int) take;
                    size -= take;
                    if (size == 0) {
                        state = State.DATA_CR;
                    }
                    continue;
                }
                case DONE -> {
                    return i;
                }
                default -> { }
            }
            byte b = in.getByte(i++);
            switch (state) {
                case SIZE -> {
                    int hex = Character.digit(b, 16);
                    if (hex >= 0 && digits < 15) {
                        size = size * 16 + hex;
                        digits++;
                    } else if (digits > 0 && (b == ';' || b == ' ' || b == '\t')) {
                        state = State.EXTENSION;
                    } else if (digits > 0 && b == '\r') {
                        state = State.SIZE_LF;
                    } else {
                        return MALFORMED;
                    }
                }
                case EXTENSION -> {
                    if (b == '\r') {
                        state = State.SIZE_LF;
                    } else if (b == '\n') {
                        return MALFORMED;
                    }
                }
                case SIZE_LF -> {
                    if (b != '\n') {
                        return MALFORMED;
                    }
                    state = size == 0 ? State.TRAILER_START : State.DATA;
                }
                case DATA_CR -> {
                    if (b != '\r') {
                        return MALFORMED;
                    }
                    state = State.DATA_LF;
                }
                case DATA_LF -> {
                    if (b != '\n') {
                        return MALFORMED;
                    }
                    state = State.SIZE;
                    size = 0;
                    digits = 0;
                }
                case TRAILER_START -> {
                    if (b == '\n') {
                        return MALFORMED;
                    }
                    state = b == '\r' ? State.END_LF : State.TRAILER_LINE;
                }
                case TRAILER_LINE -> {
                    if (b == '\n') {
                        state = State.TRAILER_START;
                    }
                }
                case END_LF -> {
                    if (b != '\n') {
                        return MALFORMED;
                    }
                    state = State.DONE;
                    return i;
                }
                default -> throw new IllegalStateException(state.name());
            }
        }
        return MORE;
    }
}
