package dtable.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/** Adds {@code X-Dtable-Node: <node_id>} to every answer (SPEC §7: who served it). */
public final class NodeHeaderFilter extends OncePerRequestFilter {

    public static final String NODE_HEADER = "X-Dtable-Node";

    private final String nodeId;

    public NodeHeaderFilter(String nodeId) {
        this.nodeId = nodeId;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        response.setHeader(NODE_HEADER, nodeId);
        chain.doFilter(request, response);
    }
}
