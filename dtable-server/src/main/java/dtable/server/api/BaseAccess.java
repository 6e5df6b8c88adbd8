package dtable.server.api;

import dtable.core.bucket.BaseUuid;
import dtable.core.token.TokenClaims;
import dtable.model.Base;
import dtable.model.FrozenBase;
import dtable.model.Operation;
import dtable.server.base.BaseRegistry;
import dtable.server.base.LoadedBase;
import dtable.server.base.RowLimit;
import dtable.web.Authorizer;
import dtable.web.Json;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The common shape of every base request: parse the UUID, check the token, find (or load) the base on
 * this node, run the read or write in the base's lane, and — for writes — answer only once the
 * operation is durable, with the new version in {@code X-Dtable-Version}.
 *
 * @param baseWritableLimit writes that add rows are refused once a base holds this many rows (it becomes
 *                          read-only for growth)
 */
public record BaseAccess(Authorizer authorizer, BaseRegistry registry, long baseWritableLimit) {

    public static final String VERSION_HEADER = "X-Dtable-Version";

    public <R> R read(String uuidText, HttpServletRequest request, Function<Base, R> reader) {
        BaseUuid uuid = BaseUuid.parse(uuidText);
        authorizer.read(request, uuid);
        return registry.acquire(uuid).read(reader);
    }

    /** A read of the whole base from a frozen view, rendered outside the base's lane ({@link LoadedBase#readFrozen}). */
    public <R> R readFrozen(String uuidText, HttpServletRequest request, Function<FrozenBase, R> reader) {
        BaseUuid uuid = BaseUuid.parse(uuidText);
        authorizer.read(request, uuid);
        return registry.acquire(uuid).readFrozen(reader);
    }

    /**
     * The whole base as JSON, written by {@code writer} from a frozen view (see {@link #readFrozen}), with the
     * version it shows in {@code X-Dtable-Version}.
     */
    public ResponseEntity<byte[]> renderFrozen(String uuidText, HttpServletRequest request,
            BiConsumer<FrozenBase, OutputStream> writer) {
        record Rendered(byte[] json, long version) {
        }
        Rendered rendered = readFrozen(uuidText, request, base -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(1024, base.rowCount() * 64));
            writer.accept(base, out);
            return new Rendered(out.toByteArray(), base.version());
        });
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
                .header(VERSION_HEADER, Long.toString(rendered.version())).body(rendered.json());
    }

    /** A read that also answers the version it saw in {@code X-Dtable-Version}. */
    public <R> R read(String uuidText, HttpServletRequest request, HttpServletResponse response,
            Function<Base, R> reader) {
        long[] seen = new long[1];
        R result = read(uuidText, request, model -> {
            seen[0] = model.version();
            return reader.apply(model);
        });
        response.setHeader(VERSION_HEADER, Long.toString(seen[0]));
        return result;
    }

    /**
     * A write whose request body must be a JSON object: the UUID and the token are checked before
     * the body is parsed (a caller without a valid token gets 401/403, not a body error).
     */
    public <R> R write(String uuidText, byte[] body, HttpServletRequest request, HttpServletResponse response,
            BiFunction<Base, ObjectNode, JsonNode> command, BiFunction<Base, Operation, R> answer) {
        BaseUuid uuid = BaseUuid.parse(uuidText);
        TokenClaims claims = authorizer.write(request, uuid);
        ObjectNode json = Json.object(body);
        return commit(uuid, claims, request, response, model -> command.apply(model, json), answer);
    }

    /**
     * Runs one write; {@code command} maps the request to a raw operation against the current state,
     * {@code answer} builds the response from the new state.
     */
    public <R> R write(String uuidText, HttpServletRequest request, HttpServletResponse response,
            Function<Base, JsonNode> command, BiFunction<Base, Operation, R> answer) {
        BaseUuid uuid = BaseUuid.parse(uuidText);
        TokenClaims claims = authorizer.write(request, uuid);
        return commit(uuid, claims, request, response, command, answer);
    }

    private <R> R commit(BaseUuid uuid, TokenClaims claims, HttpServletRequest request, HttpServletResponse response,
            Function<Base, JsonNode> command, BiFunction<Base, Operation, R> answer) {
        LoadedBase base = registry.acquire(uuid);
        LoadedBase.Committed<R> committed = base.execute(withinLimit(command), Authorizer.author(claims),
                app(request), null, 0, answer);
        LoadedBase.awaitDurable(committed.durable());
        response.setHeader(VERSION_HEADER, Long.toString(committed.version()));
        return committed.response();
    }

    /**
     * A write whose request body must be a JSON object, without waiting for anything: the caller attaches its answer
     * to {@link LoadedBase.Committed#durable()} and must not release it before that completes. With {@code mayBlock}
     * false it returns null, nothing applied, when the write would have to wait (the base must be loaded, or another
     * thread holds its lane); the caller then calls again from a thread that may block.
     *
     * @param authorization the {@code Authorization} header (may be null: 401)
     * @param app           the {@code from} query parameter (may be null)
     */
    public <R> LoadedBase.Committed<R> submit(String uuidText, String authorization, String app, byte[] body,
            boolean mayBlock, BiFunction<Base, ObjectNode, JsonNode> command, BiFunction<Base, Operation, R> answer) {
        BaseUuid uuid = BaseUuid.parse(uuidText);
        TokenClaims claims = authorizer.write(authorization, uuid);
        ObjectNode json = Json.object(body);
        LoadedBase base = mayBlock ? registry.acquire(uuid) : registry.active(uuid);
        if (base == null) {
            return null;
        }
        Function<Base, JsonNode> checked = withinLimit(model -> command.apply(model, json));
        String author = Authorizer.author(claims);
        return mayBlock ? base.execute(checked, author, app(app), null, 0, answer)
                : base.tryExecute(checked, author, app(app), null, 0, answer);
    }

    /** {@code command}, refusing an operation that adds rows to a base past {@code base_writable_limit}. */
    private Function<Base, JsonNode> withinLimit(Function<Base, JsonNode> command) {
        return new RowLimit(baseWritableLimit).guard(command);
    }

    static String app(HttpServletRequest request) {
        return app(request.getParameter("from"));
    }

    /** The {@code from} parameter as the operation's {@code app}: null when absent or blank. */
    private static String app(String from) {
        return from == null || from.isBlank() ? null : from;
    }
}
