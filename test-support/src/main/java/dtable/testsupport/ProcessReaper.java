package dtable.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The JVM-exit safety net: SIGKILLs every {@link ManagedProcess} still alive and deletes every
 * temporary directory still registered, so an aborted test run leaves no etcd or mariadbd behind.
 * Normal cleanup is the harness's {@code close()}; this only catches what it missed.
 */
final class ProcessReaper {

    private static final Set<ManagedProcess> PROCESSES = ConcurrentHashMap.newKeySet();
    private static final Set<Path> DIRECTORIES = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ProcessReaper::reapAll, "test-process-reaper"));
    }

    private ProcessReaper() {
    }

    static void register(ManagedProcess process) {
        PROCESSES.removeIf(p -> !p.isAlive());
        PROCESSES.add(process);
    }

    static void registerDirectory(Path dir) {
        DIRECTORIES.add(dir);
    }

    /** A new temporary directory {@code dtable-<what>-…}, deleted at JVM exit unless deleted before. */
    static Path temporaryDirectory(String what) {
        try {
            Path dir = Files.createTempDirectory("dtable-" + what + "-");
            registerDirectory(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for " + what, e);
        }
    }

    /** Deletes {@code dir} recursively now and forgets it. */
    static void deleteDirectory(Path dir) {
        DIRECTORIES.remove(dir);
        deleteRecursively(dir);
    }

    private static void reapAll() {
        for (ManagedProcess process : PROCESSES) {
            if (process.isAlive()) {
                process.kill();
            }
        }
        DIRECTORIES.forEach(ProcessReaper::deleteRecursively);
    }

    static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // best effort: a leftover temp dir is harmless, a failing close() would hide the real result
        }
    }
}
