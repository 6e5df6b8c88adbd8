package dtable.server.api;

import dtable.model.FrozenBase;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * The base load of SeaTable's browser client ({@code dtable-store}): {@code GET
 * /api-gateway/api/v2/dtables/{uuid}/?lang=..} with {@code Authorization: Token <jwt>}. The body is the
 * base itself, no envelope, with {@code views[]} per table and {@code links}, {@code settings},
 * {@code scripts}, {@code statistics} (see {@code Base#writeForClient}). {@code lang} only chooses
 * the language of messages at SeaTable and is ignored. The store also loads {@code .../custom/},
 * {@code .../view/} and {@code .../collection-table/} for special pages; those answer the same base.
 */
@RestController
public class ClientBaseController {

    private final BaseAccess access;

    public ClientBaseController(BaseAccess access) {
        this.access = access;
    }

    @GetMapping(path = {"/api-gateway/api/v2/dtables/{uuid}/", "/api-gateway/api/v2/dtables/{uuid}",
            "/api/v2/dtables/{uuid}/", "/api/v2/dtables/{uuid}",
            "/api-gateway/api/v2/dtables/{uuid}/{variant:custom|view|collection-table}/"})
    public ResponseEntity<byte[]> load(@PathVariable String uuid, HttpServletRequest request) {
        return access.renderFrozen(uuid, request, FrozenBase::writeForClient);
    }
}
