package dtable.core.token;

import dtable.core.bucket.BaseUuid;
import java.time.Instant;
import java.util.Objects;

/**
 * The verified content of a dtable token.
 *
 * <p>A <em>base token</em> names one base ({@code dtableUuid}, normalised to the lowercase dashed
 * form of {@link BaseUuid}) with a username and a {@link Permission}. An <em>internal token</em>
 * ({@code is_internal: true}) is what cluster services and operators use: it acts on every base
 * with read-write permission, has no base and usually no username.
 *
 * @param dtableUuid the base this token is for, normalised; null for internal tokens
 * @param username   who the token was issued to; may be null
 * @param permission what the token allows on its base; {@link Permission#READ_WRITE} for internal tokens
 * @param internal   true for {@code is_internal} tokens
 * @param expiresAt  the {@code exp} claim
 */
public record TokenClaims(String dtableUuid, String username, Permission permission, boolean internal,
                          Instant expiresAt) {

    public TokenClaims {
        Objects.requireNonNull(permission, "permission");
        Objects.requireNonNull(expiresAt, "expiresAt");
        if (!internal && dtableUuid == null) {
            throw new IllegalArgumentException("a base token needs a dtable_uuid");
        }
        if (dtableUuid != null) {
            dtableUuid = BaseUuid.parse(dtableUuid).value();
        }
    }

    /** True when this token may read {@code base}: internal tokens read any base. */
    public boolean mayRead(BaseUuid base) {
        return internal || base.value().equals(dtableUuid);
    }

    /** True when this token may change {@code base}: internal tokens, or an {@code rw} token for this base. */
    public boolean mayWrite(BaseUuid base) {
        return mayRead(base) && permission.allowsWrite();
    }
}
