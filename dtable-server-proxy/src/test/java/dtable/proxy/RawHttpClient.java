package dtable.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.x connection driven byte by byte, for what {@link java.net.http.HttpClient} hides:
 * keep-alive reuse, pipelining, {@code Expect: 100-continue}, HTTP/1.0, chunked request bodies.
 * Not thread-safe.
 */
final class RawHttpClient implements AutoCloseable {

    /** One response; {@code headers} keys are lowercase. */
    record Response(String statusLine, int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawHttpClient(int port) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(10_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    RawHttpClient send(String requestText) throws IOException {
        out.write(requestText.getBytes(StandardCharsets.UTF_8));
        out.flush();
        return this;
    }

    /** Reads one response; {@code head}: the request was HEAD, so there is no body whatever the headers say. */
    Response read(boolean head) throws IOException {
        String statusLine = line();
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = line(); !line.isEmpty(); line = line()) {
            int colon = line.indexOf(':');
            headers.merge(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim(),
                    (a, b) -> a + "," + b);
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        String body;
        if (head || status == 204 || status == 304 || status / 100 == 1) {
            body = "";
        } else if (headers.containsKey("content-length")) {
            body = new String(in.readNBytes(Integer.parseInt(headers.get("content-length"))), StandardCharsets.UTF_8);
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (int size = Integer.parseInt(line().trim(), 16); size > 0; size = Integer.parseInt(line().trim(), 16)) {
                all.write(in.readNBytes(size));
                line();
            }
            line(); // the empty line after the last chunk (no trailers)
            body = all.toString(StandardCharsets.UTF_8);
        } else {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8); // delimited by close
        }
        return new Response(statusLine, status, headers, body);
    }

    Response read() throws IOException {
        return read(false);
    }

    /** Reads just the status line of a response (to leave in the middle of it). */
    String statusLine() throws IOException {
        return line();
    }

    /** True when the server closed the connection (reads end of stream). */
    boolean closedByServer() throws IOException {
        return in.read() < 0;
    }

    private String line() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                bytes.write(b);
            }
        }
        if (b < 0 && bytes.size() == 0) {
            throw new IOException("connection closed by the server");
        }
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
