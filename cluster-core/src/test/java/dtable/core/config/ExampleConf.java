package dtable.core.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Finds the repository's {@code conf/} folder of example files from the module's working directory. */
final class ExampleConf {

    /** The example files carry a placeholder key that every service refuses; a deployment sets its own. */
    static final Map<String, String> REAL_KEY = Map.of("DTABLE_PRIVATE_KEY", "0123456789abcdef0123456789abcdef");

    private ExampleConf() {
    }

    static Path dir() {
        for (Path candidate = Path.of("").toAbsolutePath(); candidate != null; candidate = candidate.getParent()) {
            Path conf = candidate.resolve("conf");
            if (Files.isRegularFile(conf.resolve(ServerConfig.FILE_NAME))) {
                return conf;
            }
        }
        throw new IllegalStateException("no conf/ folder with example files above " + Path.of("").toAbsolutePath());
    }
}
