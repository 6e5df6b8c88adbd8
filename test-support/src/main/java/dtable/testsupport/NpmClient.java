package dtable.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * A JavaScript test client with locked npm dependencies: copies {@code package.json}, {@code package-lock.json}
 * and the client's script from {@code src/test/js} into {@code target/<name>} and runs {@code npm ci} there,
 * once per lock file (a stamp in {@code node_modules} remembers the lock it installed).
 */
public final class NpmClient {

    private NpmClient() {
    }

    /** Installs the client whose script is {@code script}; returns its folder. */
    public static Path install(String name, String script) throws IOException, InterruptedException {
        Path source = Path.of("src/test/js");
        Path target = Path.of("target", name);
        Files.createDirectories(target);
        for (String file : new String[] {"package.json", "package-lock.json", script}) {
            Files.copy(source.resolve(file), target.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        Path stamp = target.resolve("node_modules/.installed-lock");
        byte[] lock = Files.readAllBytes(source.resolve("package-lock.json"));
        if (Files.exists(stamp) && Arrays.equals(Files.readAllBytes(stamp), lock)) {
            return target;
        }
        Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(target.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
        if (!npm.waitFor(300, TimeUnit.SECONDS)) {
            npm.destroyForcibly();
            throw new IllegalStateException("npm ci in " + target + " did not finish within 300 s");
        }
        if (npm.exitValue() != 0) {
            throw new IllegalStateException("npm ci in " + target + " exited with " + npm.exitValue());
        }
        Files.write(stamp, lock);
        return target;
    }
}
