package dtable.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/** Adds {@code X-Dtable-Node: <node_id>} to every answer (SPEC §7: who served it). */
public final class NodeHeaderFilter extends OncePerRequestFilter {

    public static final String NODE_HEADER = "X-Dtable-Node";

    /** The order this filter is registered with: the first. */
    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE;

    private final String nodeId;

    public NodeHeaderFilter(String nodeId) {
        this.nodeId = nodeId;
    }

    /**
     * The filter as a service registers it: first of all filters, so that every answer, refusals of the
     * later filters included, names the node. {@link BodyLimitFilter#registration} and a service's own
     * filters come after it ({@link #ORDER} {@code + 1}, {@code + 2}, ...).
     */
    public static FilterRegistrationBean<NodeHeaderFilter> registration(String nodeId) {
        var registration = new FilterRegistrationBean<>(new NodeHeaderFilter(nodeId));
        registration.setOrder(ORDER);
        return registration;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        response.setHeader(NODE_HEADER, nodeId);
        chain.doFilter(request, response);
    }
}
