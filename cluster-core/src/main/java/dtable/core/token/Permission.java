package dtable.core.token;

import java.util.Locale;

/**
 * What a base token allows, as SeaTable writes it in the token's {@code permission} claim.
 * Only the two values the cluster acts on are accepted; anything else is refused when the token
 * is verified rather than guessed at.
 */
public enum Permission {
    READ_WRITE("rw"),
    READ("r");

    private final String claim;

    Permission(String claim) {
        this.claim = claim;
    }

    /** The value written into the JWT ({@code "rw"} or {@code "r"}). */
    public String claim() {
        return claim;
    }

    /** True when this permission allows changing the base. */
    public boolean allowsWrite() {
        return this == READ_WRITE;
    }

    /**
     * The permission named by a claim value ({@code "rw"} or {@code "r"}, any case).
     *
     * @throws IllegalArgumentException for any other value
     */
    public static Permission fromClaim(String value) {
        if (value != null) {
            String lower = value.trim().toLowerCase(Locale.ROOT);
            for (Permission permission : values()) {
                if (permission.claim.equals(lower)) {
                    return permission;
                }
            }
        }
        throw new IllegalArgumentException("unknown permission \"" + value + "\" (expected rw or r)");
    }
}
