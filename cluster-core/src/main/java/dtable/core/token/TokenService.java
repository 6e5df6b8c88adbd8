package dtable.core.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import dtable.core.bucket.BaseUuid;
import dtable.core.bucket.InvalidBaseUuidException;
import dtable.core.token.TokenException.Kind;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Mints and verifies dtable tokens: HS256 JWTs signed with the cluster's shared {@code private_key}.
 *
 * <p>Payloads: {@code {"dtable_uuid", "username", "permission": "rw"|"r", "exp"}} for a base token,
 * {@code {"is_internal": true, "exp"}} for an internal token (SPEC §7).
 *
 * <p><b>Key.</b> The HMAC key is the UTF-8 bytes of {@code private_key} when they are at least 32
 * bytes long (HS256 needs 256 bits, and SeaTable's keys are long random strings, so its tokens
 * verify unchanged). A shorter key is stretched deterministically to SHA-256 of its UTF-8 bytes;
 * every component (and {@code bin/dev-cluster token}) applies the same rule, so they agree.
 *
 * <p><b>Verification</b> accepts only HS256 with the right key (an {@code alg: none} or other
 * algorithm is {@link Kind#BAD_SIGNATURE}), requires {@code exp} and refuses a token whose
 * {@code exp} is not after the injected clock's now (no leeway). A base token needs a valid
 * {@code dtable_uuid} and a {@code permission} of {@code rw} or {@code r}.
 *
 * <p><b>Cache.</b> A client sends the same token with every request, and parsing plus HMAC was the
 * largest single cost of a small write. Successful verifications are therefore remembered by token
 * text (at most {@value #CACHE_LIMIT} tokens; the cache is emptied when full): a hit re-checks
 * {@code exp} against the clock and skips the rest. Only tokens that verified are cached, and the
 * cache key is the whole signed text, so a changed byte is a miss that is verified in full.
 *
 * <p>Thread-safe: one instance per process, shared by all request threads.
 */
public final class TokenService {

    private static final int MIN_KEY_BYTES = 32;
    static final int CACHE_LIMIT = 10_000;

    private final MACSigner signer;
    private final MACVerifier verifier;
    private final Clock clock;
    private final ConcurrentHashMap<String, TokenClaims> verified = new ConcurrentHashMap<>();

    /**
     * @param privateKey the shared {@code private_key}; any non-empty string
     * @param clock      the time source for {@code exp} (inject a fixed clock in tests)
     */
    public TokenService(String privateKey, Clock clock) {
        if (privateKey == null || privateKey.isEmpty()) {
            throw new IllegalArgumentException("private_key must not be empty");
        }
        this.clock = Objects.requireNonNull(clock, "clock");
        byte[] secret = hmacKey(privateKey);
        try {
            this.signer = new MACSigner(secret);
            this.verifier = new MACVerifier(secret);
        } catch (JOSEException e) {
            throw new IllegalStateException("HS256 key rejected", e);
        }
    }

    /** The HMAC key for {@code privateKey}: its UTF-8 bytes, or their SHA-256 when shorter than 32 bytes. */
    static byte[] hmacKey(String privateKey) {
        byte[] raw = privateKey.getBytes(StandardCharsets.UTF_8);
        if (raw.length >= MIN_KEY_BYTES) {
            return raw;
        }
        try {
            return MessageDigest.getInstance("SHA-256").digest(raw);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** A token for one base, valid for {@code ttl} from now (SeaTable issues 3 days to browsers). */
    public String mintBase(BaseUuid base, String username, Permission permission, Duration ttl) {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(permission, "permission");
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .claim("dtable_uuid", base.value())
                .claim("permission", permission.claim())
                .expirationTime(expiry(ttl));
        if (username != null) {
            claims.claim("username", username);
        }
        return sign(claims.build());
    }

    /** An internal token, acting on every base, valid for {@code ttl} from now (SeaTable: 1 hour). */
    public String mintInternal(Duration ttl) {
        return sign(new JWTClaimsSet.Builder().claim("is_internal", true).expirationTime(expiry(ttl)).build());
    }

    /**
     * Checks signature, algorithm and expiry and returns the claims.
     *
     * @throws TokenException with the reason; its message is fit for {@code error_msg}
     */
    public TokenClaims verify(String token) {
        if (token == null || token.isBlank()) {
            throw new TokenException(Kind.MISSING, "token is missing");
        }
        String text = token.trim();
        TokenClaims known = verified.get(text);
        if (known != null) {
            if (!known.expiresAt().isAfter(clock.instant())) {
                verified.remove(text);
                throw new TokenException(Kind.EXPIRED, "token expired");
            }
            return known;
        }
        TokenClaims claims = verifyInFull(text);
        if (verified.size() >= CACHE_LIMIT) {
            verified.clear();
        }
        verified.put(text, claims);
        return claims;
    }

    /** How many verified tokens are remembered (for tests). */
    int cachedTokens() {
        return verified.size();
    }

    private TokenClaims verifyInFull(String token) {
        SignedJWT jwt = parseSigned(token);
        if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm())) {
            throw new TokenException(Kind.BAD_SIGNATURE,
                    "token algorithm " + jwt.getHeader().getAlgorithm() + " is not accepted (HS256 only)");
        }
        try {
            if (!jwt.verify(verifier)) {
                throw new TokenException(Kind.BAD_SIGNATURE, "token signature is invalid");
            }
        } catch (JOSEException e) {
            throw new TokenException(Kind.BAD_SIGNATURE, "token signature is invalid", e);
        }
        try {
            return claimsOf(jwt.getJWTClaimsSet());
        } catch (ParseException | IllegalArgumentException e) {
            throw new TokenException(Kind.MALFORMED, "token payload is invalid: " + e.getMessage(), e);
        }
    }

    /**
     * The token in an {@code Authorization} header: {@code "Token <jwt>"} (SeaTable) or
     * {@code "Bearer <jwt>"}, scheme in any case.
     *
     * @throws TokenException {@link Kind#MISSING} for a null or blank header, {@link Kind#MALFORMED}
     *                        for another scheme or an empty token
     */
    public static String fromAuthorizationHeader(String header) {
        if (header == null || header.isBlank()) {
            throw new TokenException(Kind.MISSING, "Authorization header is missing");
        }
        String trimmed = header.trim();
        int space = trimmed.indexOf(' ');
        String scheme = (space < 0 ? trimmed : trimmed.substring(0, space)).toLowerCase(Locale.ROOT);
        if (!scheme.equals("token") && !scheme.equals("bearer")) {
            throw new TokenException(Kind.MALFORMED, "Authorization header must be \"Token <jwt>\"");
        }
        String token = space < 0 ? "" : trimmed.substring(space + 1).trim();
        if (token.isEmpty()) {
            throw new TokenException(Kind.MALFORMED, "Authorization header has no token");
        }
        return token;
    }

    private Date expiry(Duration ttl) {
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, got " + ttl);
        }
        // JWT exp has whole seconds; round down so the token never outlives the asked ttl
        return Date.from(clock.instant().plus(ttl).truncatedTo(ChronoUnit.SECONDS));
    }

    private String sign(JWTClaimsSet claims) {
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build();
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("HS256 signing failed", e);
        }
        return jwt.serialize();
    }

    private static SignedJWT parseSigned(String token) {
        JWT jwt;
        try {
            jwt = JWTParser.parse(token);
        } catch (ParseException e) {
            throw new TokenException(Kind.MALFORMED, "token is not a valid JWT", e);
        }
        if (!(jwt instanceof SignedJWT signed)) {
            // a plain (alg "none") or encrypted JWT: nothing we could check the signature of
            throw new TokenException(Kind.BAD_SIGNATURE, "token is not signed with HS256");
        }
        return signed;
    }

    private TokenClaims claimsOf(JWTClaimsSet claims) throws ParseException {
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw new TokenException(Kind.MALFORMED, "token has no exp");
        }
        Instant expiresAt = exp.toInstant();
        if (!expiresAt.isAfter(clock.instant())) {
            throw new TokenException(Kind.EXPIRED, "token expired");
        }
        String username = claims.getStringClaim("username");
        if (Boolean.TRUE.equals(claims.getBooleanClaim("is_internal"))) {
            return new TokenClaims(null, username, Permission.READ_WRITE, true, expiresAt);
        }
        String uuid = claims.getStringClaim("dtable_uuid");
        if (uuid == null) {
            throw new TokenException(Kind.MALFORMED, "token has neither dtable_uuid nor is_internal");
        }
        String normalised;
        try {
            normalised = BaseUuid.parse(uuid).value();
        } catch (InvalidBaseUuidException e) {
            throw new TokenException(Kind.MALFORMED, "token dtable_uuid is invalid", e);
        }
        Permission permission = Permission.fromClaim(claims.getStringClaim("permission"));
        return new TokenClaims(normalised, username, permission, false, expiresAt);
    }
}
