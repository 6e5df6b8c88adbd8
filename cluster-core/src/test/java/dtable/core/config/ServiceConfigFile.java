package dtable.core.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One service's config file in a fresh folder per test, loaded with that service's {@code load(confDir, env)}:
 * what the config tests share. Register it on an instance field with {@code @RegisterExtension}.
 *
 * @param <T> the service's config record
 */
final class ServiceConfigFile<T> implements BeforeEachCallback, AfterEachCallback {

    private final String fileName;
    private final BiFunction<Path, Map<String, String>, T> loader;
    private Path dir;

    ServiceConfigFile(String fileName, BiFunction<Path, Map<String, String>, T> loader) {
        this.fileName = fileName;
        this.loader = loader;
    }

    /** Not as an extension: the file goes in {@code dir}, which the caller owns (e.g. a {@code @TempDir}). */
    ServiceConfigFile(String fileName, BiFunction<Path, Map<String, String>, T> loader, Path dir) {
        this(fileName, loader);
        this.dir = dir;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("dtable-config-test-");
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /** The test's config folder ({@code DTABLE_CONF_DIR}). */
    Path dir() {
        return dir;
    }

    /** Writes {@code json} as the file and loads it with {@code env}. */
    T load(String json, Map<String, String> env) {
        try {
            Files.writeString(dir.resolve(fileName), json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return loader.apply(dir, env);
    }

    /** Asserts that loading {@code json} fails with the one line {@code config error: <file>: <message>}. */
    void assertRefused(String json, Map<String, String> env, String message) {
        assertThatThrownBy(() -> load(json, env))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config error: " + dir.resolve(fileName) + ": " + message);
    }

    /** The repository's example file of this service loads once a real key is set. */
    T loadExample() {
        return loader.apply(ExampleConf.dir(), ExampleConf.REAL_KEY);
    }
}
