package dtable.slave.api;

import dtable.core.bucket.BaseUuid;
import dtable.model.rest.RestViews;
import dtable.slave.cache.BaseCache;
import dtable.slave.cache.ReadLevel;
import dtable.slave.cache.Reading;
import dtable.web.ApiException;
import dtable.web.Authorizer;
import dtable.web.Json;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Locale;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The dtable-server's read endpoints (SPEC §7), same paths, parameters, JSON shapes and errors, served
 * from the slave's cache. Every answer says the version it reflects ({@code X-Dtable-Version}) and the
 * read level it was served at ({@code X-Dtable-Read-Level}); {@code ?level=stale} skips the catch-up.
 */
@RestController
public class ReadController {

    public static final String VERSION_HEADER = "X-Dtable-Version";
    public static final String LEVEL_HEADER = "X-Dtable-Read-Level";
    /** The dtable-server's default {@code rows_api_max_limit} (SeaTable: 1000). */
    public static final int ROWS_API_MAX_LIMIT = 1000;

    private final BaseCache cache;
    private final Authorizer authorizer;

    public ReadController(BaseCache cache, Authorizer authorizer) {
        this.cache = cache;
        this.authorizer = authorizer;
    }

    @GetMapping(path = {"/dtables/{uuid}", "/dtables/{uuid}/", "/api/v1/dtables/{uuid}/", "/api/v1/dtables/{uuid}"})
    public ResponseEntity<byte[]> base(@PathVariable String uuid, @RequestParam(name = "level", required = false) String level,
            HttpServletRequest request) {
        BaseUuid id = authorize(uuid, request);
        boolean gzip = acceptsGzip(request.getHeader(HttpHeaders.ACCEPT_ENCODING));
        Reading<byte[]> reading = gzip ? cache.documentGzip(id, level(level)) : cache.document(id, level(level));
        ResponseEntity.BodyBuilder answer = ok(reading).header(HttpHeaders.VARY, HttpHeaders.ACCEPT_ENCODING);
        if (gzip) {
            answer.header(HttpHeaders.CONTENT_ENCODING, "gzip");
        }
        return answer.body(reading.value());
    }

    /**
     * True when an {@code Accept-Encoding} value accepts gzip ({@code gzip}, {@code x-gzip} or {@code *}
     * without {@code q=0}). The whole base is the one large answer; it is compressed once per version.
     */
    static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String part : acceptEncoding.split(",")) {
            String[] pieces = part.split(";");
            String coding = pieces[0].trim().toLowerCase(Locale.ROOT);
            if (!coding.equals("gzip") && !coding.equals("x-gzip") && !coding.equals("*")) {
                continue;
            }
            boolean refused = false;
            for (int i = 1; i < pieces.length; i++) {
                String parameter = pieces[i].trim().toLowerCase(Locale.ROOT).replace(" ", "");
                if (parameter.startsWith("q=")) {
                    try {
                        refused = Double.parseDouble(parameter.substring(2)) <= 0;
                    } catch (NumberFormatException e) {
                        refused = true;
                    }
                }
            }
            if (!refused) {
                return true;
            }
        }
        return false;
    }

    @GetMapping(path = {"/api/v1/dtables/{uuid}/metadata/", "/api/v1/dtables/{uuid}/metadata"})
    public ResponseEntity<String> metadata(@PathVariable String uuid,
            @RequestParam(name = "level", required = false) String level, HttpServletRequest request) {
        BaseUuid id = authorize(uuid, request);
        return answer(cache.read(id, level(level), base -> Json.write(RestViews.metadata(base))));
    }

    @GetMapping(path = {"/api/v1/dtables/{uuid}/rows/", "/api/v1/dtables/{uuid}/rows"})
    public ResponseEntity<String> rows(@PathVariable String uuid,
            @RequestParam(name = "table_name", required = false) String tableName,
            @RequestParam(name = "table_id", required = false) String tableId,
            @RequestParam(name = "start", defaultValue = "0") int start,
            @RequestParam(name = "limit", required = false) Integer limit,
            @RequestParam(name = "level", required = false) String level, HttpServletRequest request) {
        // the same checks in the same order as the dtable-server, so both answer a bad request alike
        String table = table(tableName, tableId);
        int count = limit == null ? ROWS_API_MAX_LIMIT : limit;
        if (start < 0 || count < 0) {
            throw ApiException.badRequest("invalid_parameter", "start and limit must not be negative");
        }
        if (count > ROWS_API_MAX_LIMIT) {
            throw ApiException.badRequest("over_limit", "limit " + count + " is over rows_api_max_limit "
                    + ROWS_API_MAX_LIMIT);
        }
        BaseUuid id = authorize(uuid, request);
        return answer(cache.read(id, level(level), base -> Json.write(RestViews.rows(base, table, start, count))));
    }

    @GetMapping(path = {"/api/v1/dtables/{uuid}/rows/{rowId}/", "/api/v1/dtables/{uuid}/rows/{rowId}"})
    public ResponseEntity<String> row(@PathVariable String uuid, @PathVariable String rowId,
            @RequestParam(name = "table_name", required = false) String tableName,
            @RequestParam(name = "table_id", required = false) String tableId,
            @RequestParam(name = "level", required = false) String level, HttpServletRequest request) {
        String table = table(tableName, tableId);
        BaseUuid id = authorize(uuid, request);
        return answer(cache.read(id, level(level), base -> Json.write(RestViews.row(base, table, rowId))));
    }

    private BaseUuid authorize(String uuid, HttpServletRequest request) {
        BaseUuid id = BaseUuid.parse(uuid);
        authorizer.read(request, id);
        return id;
    }

    private static ReadLevel level(String text) {
        try {
            return ReadLevel.parse(text);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid_parameter", e.getMessage());
        }
    }

    private static <T> ResponseEntity<T> answer(Reading<T> reading) {
        return ok(reading).body(reading.value());
    }

    /** 200, JSON, with the version the reading reflects and the level it was served at. */
    private static ResponseEntity.BodyBuilder ok(Reading<?> reading) {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
                .header(VERSION_HEADER, Long.toString(reading.version()))
                .header(LEVEL_HEADER, reading.level().wireName());
    }

    private static String table(String tableName, String tableId) {
        if (tableName != null && !tableName.isBlank()) {
            return tableName;
        }
        if (tableId != null && !tableId.isBlank()) {
            return tableId;
        }
        throw ApiException.badRequest("invalid_parameter", "table_name or table_id is required");
    }
}
