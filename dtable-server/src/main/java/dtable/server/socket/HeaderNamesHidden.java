package dtable.server.socket;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.util.Collections;
import java.util.Enumeration;

/**
 * A WebSocket upgrade request without its list of header names, for the copies made after the handshake
 * was checked. Tomcat reads the handshake's headers by name ({@code Sec-WebSocket-Key}, ...), and then
 * copies every header the request lists into the handshake request it keeps for the whole life of the
 * connection; Spring copies them again into its session. Neither framing reads those copies (the
 * connection's headers, cookies and user agent included), which cost an idle socket about 1-2 KiB of
 * maps, lists and strings each.
 */
public final class HeaderNamesHidden extends HttpServletRequestWrapper {

    public HeaderNamesHidden(HttpServletRequest request) {
        super(request);
    }

    @Override
    public Enumeration<String> getHeaderNames() {
        return Collections.emptyEnumeration();
    }
}
