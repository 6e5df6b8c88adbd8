package dtable.server.slave;

import dtable.core.bucket.BaseUuid;
import dtable.web.NodeHeaderFilter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Hands reads of large bases to the dtable-server-slave (SPEC §11): a GET or HEAD of one of the
 * {@link ReadPaths} with a valid base UUID, that the {@link ForwardPolicy} approves, is answered by
 * the slave through {@link SlaveClient}; everything else — writes above all — goes down the chain to
 * the node's own controllers. If the slave is unavailable the node serves the read itself.
 *
 * <p>Runs after the node's {@code NodeHeaderFilter}, so a forwarded answer's {@code X-Dtable-Node}
 * (the slave's) replaces the node's. Stateless; thread-safe.
 */
public final class SlaveReadFilter extends OncePerRequestFilter {

    private final ForwardPolicy policy;
    private final SlaveClient slave;

    public SlaveReadFilter(ForwardPolicy policy, SlaveClient slave) {
        this.policy = policy;
        this.slave = slave;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String method = request.getMethod();
        return !(method.equals("GET") || method.equals("HEAD"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<String> uuidText = ReadPaths.baseOf(request.getRequestURI());
        if (uuidText.isEmpty() || !BaseUuid.isValid(uuidText.get())
                || !policy.forwardable(request, BaseUuid.parse(uuidText.get()))
                || !slave.forward(request, response)) {
            chain.doFilter(request, response);
        }
    }
}
