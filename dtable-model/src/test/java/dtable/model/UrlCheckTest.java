package dtable.model;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The scan for plain URLs never disagrees with {@link java.net.URI}, which decides every other case. */
class UrlCheckTest {

    @ParameterizedTest
    @ValueSource(strings = {"http://example.com", "https://example.com/items/12", "http://a.b-c.d/x?y=1&z=%2F",
        "https://EXAMPLE.com/a/b;c/d:e@f$g+h,i!j~k*l'm(n)o?p/q?r", "http://localhost", "http://x1.example/"})
    void plainUrlsAreRecognisedWithoutUri(String url) {
        assertThat(CellValues.isPlainHttpUrl(url)).isTrue();
        assertThat(CellValues.isHttpUrlByUri(url)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://", "http://example.123", "http://-a.com", "http://a-.com", "http://a..com",
        "http://example.com.", "http://1.2.3.4/", "http://example.com:8080/", "http://u@example.com/",
        "http://example.com/a b", "http://example.com/%2", "http://example.com/%zz", "http://example.com/#f",
        "http://ex_ample.com/", "ftp://example.com", "HTTP://example.com", "http:/example.com", "https://é.com",
        "http://example.com/[x]"})
    void anythingElseIsLeftToUri(String url) {
        assertThat(CellValues.isPlainHttpUrl(url)).isFalse();
        assertThat(CellValues.isHttpUrl(url)).isEqualTo(CellValues.isHttpUrlByUri(url));
    }

    @Property(tries = 3000)
    void agreesWithUri(@ForAll("urlLike") String text) {
        if (CellValues.isPlainHttpUrl(text)) {
            assertThat(CellValues.isHttpUrlByUri(text)).as(text).isTrue();
        }
        assertThat(CellValues.isHttpUrl(text)).as(text).isEqualTo(CellValues.isHttpUrlByUri(text));
    }

    @Provide
    Arbitrary<String> urlLike() {
        Arbitrary<String> scheme = Arbitraries.of("http://", "https://", "HTTP://", "http:", "ftp://", "");
        Arbitrary<String> host = Arbitraries.strings().withChars("abZ09-._:@%").ofMaxLength(12);
        Arbitrary<String> rest = Arbitraries.strings().withChars("aZ9/?#%:@&=+$,;-_.!~*'()[] é2F").ofMaxLength(12);
        return Combinators.combine(scheme, host, rest).as((s, h, r) -> s + h + r);
    }
}
