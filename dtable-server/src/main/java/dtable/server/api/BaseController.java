package dtable.server.api;

import dtable.core.bucket.BaseUuid;
import dtable.model.Base;
import dtable.model.FrozenBase;
import dtable.model.ModelException;
import dtable.model.rest.RestViews;
import dtable.server.base.LoadedBase;
import dtable.web.ApiException;
import dtable.web.Json;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Whole-base endpoints: create, read, delete, metadata (SPEC §7). */
@RestController
public class BaseController {

    private final BaseAccess access;

    public BaseController(BaseAccess access) {
        this.access = access;
    }

    @PutMapping(path = {"/api/v1/dtables/{uuid}/", "/api/v1/dtables/{uuid}"})
    public ResponseEntity<String> create(@PathVariable String uuid, @RequestBody(required = false) byte[] body,
            HttpServletRequest request) {
        BaseUuid id = BaseUuid.parse(uuid);
        access.authorizer().write(request, id);
        Base initial;
        if (body == null || body.length == 0) {
            initial = Base.withDefaultTable();
        } else {
            Json.object(body); // a clear 400 for bad JSON before the model's own checks
            try {
                initial = Base.read(new ByteArrayInputStream(body));
            } catch (ModelException e) {
                throw ApiException.badRequest("invalid_dtable", e.getMessage());
            }
        }
        LoadedBase base = access.registry().create(id, initial);
        return ResponseEntity.status(201).contentType(MediaType.APPLICATION_JSON)
                .header(BaseAccess.VERSION_HEADER, Long.toString(base.durableVersion()))
                .body(Json.write(Json.newObject().put("dtable_uuid", id.value()).put("version", base.durableVersion())));
    }

    @GetMapping(path = {"/dtables/{uuid}", "/dtables/{uuid}/", "/api/v1/dtables/{uuid}/", "/api/v1/dtables/{uuid}"})
    public ResponseEntity<byte[]> get(@PathVariable String uuid, HttpServletRequest request) {
        return access.renderFrozen(uuid, request, FrozenBase::write);
    }

    @DeleteMapping(path = {"/api/v1/dtables/{uuid}/", "/api/v1/dtables/{uuid}"})
    public ResponseEntity<String> delete(@PathVariable String uuid, HttpServletRequest request) {
        BaseUuid id = BaseUuid.parse(uuid);
        access.authorizer().write(request, id);
        access.registry().delete(id);
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
                .body(Json.write(Json.newObject().put("success", true)));
    }

    @GetMapping(path = {"/api/v1/dtables/{uuid}/metadata/", "/api/v1/dtables/{uuid}/metadata"})
    public ResponseEntity<String> metadata(@PathVariable String uuid, HttpServletRequest request,
            HttpServletResponse response) {
        String body = access.read(uuid, request, response, base -> Json.write(RestViews.metadata(base)));
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(body);
    }
}
