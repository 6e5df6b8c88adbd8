package dtable.testsupport;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the executables the harness runs ({@code etcd}, {@code mariadbd}, ...) on {@code PATH} and in
 * the Debian locations, which are often not on a non-login {@code PATH} ({@code /usr/sbin/mariadbd}).
 */
public final class Binaries {

    private static final List<String> DEBIAN_DIRS =
            List.of("/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin", "/bin", "/sbin");

    private Binaries() {
    }

    /** The first executable file named {@code name} on PATH or in the Debian directories. */
    public static Optional<Path> find(String name) {
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(File.pathSeparator)));
        }
        dirs.addAll(DEBIAN_DIRS);
        for (String dir : dirs) {
            if (dir.isBlank()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Like {@link #find(String)} for each name; empty unless all are present. */
    public static Optional<List<Path>> findAll(String... names) {
        List<Path> found = new ArrayList<>();
        for (String name : names) {
            Optional<Path> path = find(name);
            if (path.isEmpty()) {
                return Optional.empty();
            }
            found.add(path.get());
        }
        return Optional.of(found);
    }
}
