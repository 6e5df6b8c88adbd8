package dtable.server.socket;

import java.security.Principal;
import java.util.List;
import java.util.Map;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.web.socket.WebSocketExtension;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeFailureException;
import org.springframework.web.socket.server.standard.StandardWebSocketUpgradeStrategy;

/**
 * Spring's upgrade of the plain WebSocket, without the two copies of the request's headers that the
 * session would keep ({@link HeaderNamesHidden}). The handshake handler has checked the headers before
 * this runs; {@link DtableSocketHandler} reads only the URI (path and token), which is kept.
 */
public final class HeaderCopyFreeUpgrade extends StandardWebSocketUpgradeStrategy {

    @Override
    public void upgrade(ServerHttpRequest request, ServerHttpResponse response, String selectedProtocol,
            List<WebSocketExtension> selectedExtensions, Principal user, WebSocketHandler wsHandler,
            Map<String, Object> attrs) throws HandshakeFailureException {
        ServletServerHttpRequest headersHidden = new ServletServerHttpRequest(new HeaderNamesHidden(getHttpServletRequest(request)));
        super.upgrade(headersHidden, response, selectedProtocol, selectedExtensions, user, wsHandler, attrs);
    }
}
