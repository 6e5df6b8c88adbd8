package dtable.core.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * One service's config file in a test's folder, loaded with that service's {@code load(confDir, env)}: what
 * the config tests share.
 *
 * @param <T> the service's config record
 */
final class ServiceConfigFile<T> {

    private final Path dir;
    private final String fileName;
    private final BiFunction<Path, Map<String, String>, T> loader;

    ServiceConfigFile(Path dir, String fileName, BiFunction<Path, Map<String, String>, T> loader) {
        this.dir = dir;
        this.fileName = fileName;
        this.loader = loader;
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
