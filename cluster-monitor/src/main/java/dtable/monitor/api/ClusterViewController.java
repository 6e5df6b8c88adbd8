package dtable.monitor.api;

import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/cluster/}: the cluster's shape from any monitor (SPEC §10). Like every admin
 * endpoint it needs an internal token, because it names internal node URLs.
 */
@RestController
class ClusterViewController {

    private final ClusterViewAssembler assembler;
    private final InternalTokenGuard guard;

    ClusterViewController(ClusterViewAssembler assembler, InternalTokenGuard guard) {
        this.assembler = assembler;
        this.guard = guard;
    }

    @GetMapping({"/api/v1/cluster/", "/api/v1/cluster"})
    Map<String, Object> cluster(@RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
        guard.require(authorization);
        return assembler.view();
    }
}
