package dtable.monitor.api;

import dtable.web.Authorizer;
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
    private final Authorizer authorizer;

    ClusterViewController(ClusterViewAssembler assembler, Authorizer authorizer) {
        this.assembler = assembler;
        this.authorizer = authorizer;
    }

    @GetMapping({"/api/v1/cluster/", "/api/v1/cluster"})
    Map<String, Object> cluster(@RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
        authorizer.internal(authorization, null);
        return assembler.view();
    }
}
