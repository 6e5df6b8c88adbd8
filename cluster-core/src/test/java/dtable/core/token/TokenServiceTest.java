package dtable.core.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dtable.core.bucket.BaseUuid;
import dtable.core.token.TokenException.Kind;
import dtable.testsupport.SettableClock;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class TokenServiceTest {

    private static final String KEY = "dev-private-key-0123456789abcdef0123456789abcdef";
    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
    private static final BaseUuid BASE = BaseUuid.parse("A3B1C2D4E5F60718293A4B5C6D7E8F90");
    private static final BaseUuid OTHER = BaseUuid.parse("00000000-0000-0000-0000-000000000001");

    private final TokenService tokens = new TokenService(KEY, Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void baseTokenRoundTrip() {
        String jwt = tokens.mintBase(BASE, "alice@example.com", Permission.READ_WRITE, Duration.ofHours(1));

        TokenClaims claims = tokens.verify(jwt);

        assertThat(claims.dtableUuid()).isEqualTo("a3b1c2d4-e5f6-0718-293a-4b5c6d7e8f90");
        assertThat(claims.username()).isEqualTo("alice@example.com");
        assertThat(claims.permission()).isEqualTo(Permission.READ_WRITE);
        assertThat(claims.internal()).isFalse();
        assertThat(claims.expiresAt()).isEqualTo(NOW.plusSeconds(3600));
    }

    @Test
    void payloadUsesSeaTableClaimNames() {
        String jwt = tokens.mintBase(BASE, "bob", Permission.READ, Duration.ofMinutes(5));

        String header = decodePart(jwt, 0);
        String payload = decodePart(jwt, 1);

        assertThat(header).contains("\"alg\":\"HS256\"");
        assertThat(payload).contains("\"dtable_uuid\":\"a3b1c2d4-e5f6-0718-293a-4b5c6d7e8f90\"",
                "\"username\":\"bob\"", "\"permission\":\"r\"", "\"exp\":" + NOW.plusSeconds(300).getEpochSecond());
    }

    @Test
    void internalTokenActsOnEveryBase() {
        TokenClaims claims = tokens.verify(tokens.mintInternal(Duration.ofHours(1)));

        assertThat(claims.internal()).isTrue();
        assertThat(claims.dtableUuid()).isNull();
        assertThat(claims.mayRead(BASE)).isTrue();
        assertThat(claims.mayWrite(OTHER)).isTrue();
        assertThat(decodePart(tokens.mintInternal(Duration.ofHours(1)), 1)).contains("\"is_internal\":true");
    }

    @Test
    void baseTokenCoversOnlyItsBaseAndItsPermission() {
        TokenClaims readWrite = tokens.verify(tokens.mintBase(BASE, "a", Permission.READ_WRITE, Duration.ofHours(1)));
        TokenClaims readOnly = tokens.verify(tokens.mintBase(BASE, "a", Permission.READ, Duration.ofHours(1)));

        assertThat(readWrite.mayRead(BASE)).isTrue();
        assertThat(readWrite.mayWrite(BASE)).isTrue();
        assertThat(readWrite.mayRead(OTHER)).isFalse();
        assertThat(readWrite.mayWrite(OTHER)).isFalse();
        assertThat(readOnly.mayRead(BASE)).isTrue();
        assertThat(readOnly.mayWrite(BASE)).isFalse();
    }

    @Test
    void expiredTokenIsRefused() {
        String jwt = tokens.mintBase(BASE, "a", Permission.READ, Duration.ofSeconds(60));
        TokenService later = new TokenService(KEY, Clock.fixed(NOW.plusSeconds(60), ZoneOffset.UTC));

        assertThat(new TokenService(KEY, Clock.fixed(NOW.plusSeconds(59), ZoneOffset.UTC)).verify(jwt)).isNotNull();
        assertThatThrownBy(() -> later.verify(jwt))
                .isInstanceOfSatisfying(TokenException.class, e -> assertThat(e.kind()).isEqualTo(Kind.EXPIRED));
    }

    @Test
    void aRememberedTokenStillExpiresOnTime() {
        SettableClock clock = new SettableClock(NOW);
        TokenService service = new TokenService(KEY, clock);
        String jwt = service.mintBase(BASE, "a", Permission.READ, Duration.ofSeconds(60));

        assertThat(service.verify(jwt).dtableUuid()).isEqualTo(BASE.value());
        clock.set(NOW.plusSeconds(59));
        assertThat(service.verify(jwt).dtableUuid()).isEqualTo(BASE.value());
        clock.set(NOW.plusSeconds(60));
        assertThatThrownBy(() -> service.verify(jwt))
                .isInstanceOfSatisfying(TokenException.class, e -> assertThat(e.kind()).isEqualTo(Kind.EXPIRED));
        assertThatThrownBy(() -> service.verify(jwt))
                .isInstanceOfSatisfying(TokenException.class, e -> assertThat(e.kind()).isEqualTo(Kind.EXPIRED));
    }

    @Test
    void aRememberedTokenDoesNotVouchForATamperedCopy() {
        String jwt = tokens.mintBase(BASE, "a", Permission.READ, Duration.ofHours(1));
        assertThat(tokens.verify(jwt).permission()).isEqualTo(Permission.READ);
        String[] parts = jwt.split("\\.");
        String forged = b64(decodePart(jwt, 1).replace("\"permission\":\"r\"", "\"permission\":\"rw\""));

        assertKind(parts[0] + "." + forged + "." + parts[2], Kind.BAD_SIGNATURE);
        assertKind(jwt + "x", Kind.BAD_SIGNATURE);
        assertThat(tokens.verify(" " + jwt + " ").permission()).isEqualTo(Permission.READ);
    }

    @Test
    void theCacheStaysBounded() {
        for (int i = 0; i < TokenService.CACHE_LIMIT + 10; i++) {
            String jwt = tokens.mintBase(BASE, "user-" + i, Permission.READ, Duration.ofHours(1));
            assertThat(tokens.verify(jwt).username()).isEqualTo("user-" + i);
        }
        assertThat(tokens.cachedTokens()).isLessThanOrEqualTo(TokenService.CACHE_LIMIT);
    }

    @Test
    void tokenSignedWithAnotherKeyIsRefused() {
        TokenService other = new TokenService(KEY + "-other", Clock.fixed(NOW, ZoneOffset.UTC));
        String jwt = other.mintInternal(Duration.ofHours(1));

        assertThatThrownBy(() -> tokens.verify(jwt))
                .isInstanceOfSatisfying(TokenException.class, e -> assertThat(e.kind()).isEqualTo(Kind.BAD_SIGNATURE));
    }

    @Test
    void garbageIsMalformedAndNothingIsMissing() {
        assertKind("not-a-jwt", Kind.MALFORMED);
        assertKind("a.b.c", Kind.MALFORMED);
        assertKind("", Kind.MISSING);
        assertKind(null, Kind.MISSING);
    }

    @Test
    void unsignedNoneAlgorithmTokenIsRefused() {
        String header = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        String payload = b64("{\"is_internal\":true,\"exp\":" + NOW.plusSeconds(3600).getEpochSecond() + "}");

        assertKind(header + "." + payload + ".", Kind.BAD_SIGNATURE);
    }

    @Test
    void tamperedPayloadIsRefused() {
        String jwt = tokens.mintBase(BASE, "a", Permission.READ, Duration.ofHours(1));
        String[] parts = jwt.split("\\.");
        String forged = b64(decodePart(jwt, 1).replace("\"permission\":\"r\"", "\"permission\":\"rw\""));

        assertKind(parts[0] + "." + forged + "." + parts[2], Kind.BAD_SIGNATURE);
    }

    @Test
    void otherHmacAlgorithmIsRefusedEvenWithTheRightKey() throws Exception {
        String header = b64("{\"alg\":\"HS512\"}");
        String payload = b64("{\"is_internal\":true,\"exp\":" + NOW.plusSeconds(3600).getEpochSecond() + "}");
        Mac mac = Mac.getInstance("HmacSHA512");
        mac.init(new SecretKeySpec(KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA512"));
        String signature = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(mac.doFinal((header + "." + payload).getBytes(StandardCharsets.US_ASCII)));

        assertKind(header + "." + payload + "." + signature, Kind.BAD_SIGNATURE);
    }

    @Test
    void correctlySignedTokenWithoutRequiredClaimsIsMalformed() {
        assertKind(hs256(KEY, "{\"username\":\"a\",\"exp\":" + NOW.plusSeconds(60).getEpochSecond() + "}"), Kind.MALFORMED);
        assertKind(hs256(KEY, "{\"is_internal\":true}"), Kind.MALFORMED);
        assertKind(hs256(KEY, "{\"dtable_uuid\":\"nope\",\"permission\":\"r\",\"exp\":"
                + NOW.plusSeconds(60).getEpochSecond() + "}"), Kind.MALFORMED);
        assertKind(hs256(KEY, "{\"dtable_uuid\":\"" + BASE + "\",\"permission\":\"admin\",\"exp\":"
                + NOW.plusSeconds(60).getEpochSecond() + "}"), Kind.MALFORMED);
    }

    @Test
    void acceptsTokensFromOtherIssuersSignedWithTheRawKey() {
        // what SeaTable's dtable-web (PyJWT) produces: the raw key, dashless uuid, no typ header
        String jwt = hs256(KEY, "{\"dtable_uuid\":\"" + BASE.compact() + "\",\"username\":\"u\",\"permission\":\"rw\",\"exp\":"
                + NOW.plusSeconds(60).getEpochSecond() + "}");

        assertThat(tokens.verify(jwt).dtableUuid()).isEqualTo(BASE.value());
    }

    @Test
    void shortKeyIsStretchedWithSha256() throws Exception {
        TokenService shortKey = new TokenService("short", Clock.fixed(NOW, ZoneOffset.UTC));
        byte[] stretched = java.security.MessageDigest.getInstance("SHA-256").digest("short".getBytes(StandardCharsets.UTF_8));
        String jwt = hs256(stretched, "{\"is_internal\":true,\"exp\":" + NOW.plusSeconds(60).getEpochSecond() + "}");

        assertThat(shortKey.verify(jwt).internal()).isTrue();
        assertThat(shortKey.verify(shortKey.mintInternal(Duration.ofMinutes(1))).internal()).isTrue();
    }

    @Test
    void authorizationHeaderAcceptsTokenAndBearerSchemes() {
        assertThat(TokenService.fromAuthorizationHeader("Token abc.def.ghi")).isEqualTo("abc.def.ghi");
        assertThat(TokenService.fromAuthorizationHeader("bearer  abc.def.ghi ")).isEqualTo("abc.def.ghi");
        assertHeaderKind(null, Kind.MISSING);
        assertHeaderKind("   ", Kind.MISSING);
        assertHeaderKind("Basic dXNlcjpwYXNz", Kind.MALFORMED);
        assertHeaderKind("Token", Kind.MALFORMED);
    }

    @Test
    void mintingRefusesNonPositiveTtl() {
        assertThatThrownBy(() -> tokens.mintInternal(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    private void assertKind(String token, Kind kind) {
        assertThatThrownBy(() -> tokens.verify(token))
                .isInstanceOfSatisfying(TokenException.class, e -> assertThat(e.kind()).isEqualTo(kind));
    }

    private static void assertHeaderKind(String header, Kind kind) {
        assertThatThrownBy(() -> TokenService.fromAuthorizationHeader(header))
                .isInstanceOfSatisfying(TokenException.class, e -> assertThat(e.kind()).isEqualTo(kind));
    }

    private static String hs256(String key, String payloadJson) {
        return hs256(key.getBytes(StandardCharsets.UTF_8), payloadJson);
    }

    /** Signs by hand, independent of the library under test. */
    private static String hs256(byte[] key, String payloadJson) {
        try {
            String signingInput = b64("{\"alg\":\"HS256\"}") + "." + b64(payloadJson);
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return signingInput + "." + Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String decodePart(String jwt, int index) {
        return new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[index]), StandardCharsets.UTF_8);
    }
}
