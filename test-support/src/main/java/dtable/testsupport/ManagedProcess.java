package dtable.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One long-running OS process started by a test harness (an etcd member, mariadbd, a service under
 * test), with its stdout and stderr appended to a log file, and the signals the fault tests need.
 *
 * <p>Every process is registered with a JVM shutdown hook that SIGKILLs it if the test forgot to,
 * so nothing outlives the test JVM (short of the JVM itself being SIGKILLed). Methods are
 * thread-safe: they only signal or wait on the underlying {@link Process}.
 */
public final class ManagedProcess {

    private final String name;
    private final Process process;
    private final Path logFile;

    private ManagedProcess(String name, Process process, Path logFile) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
    }

    /**
     * Starts {@code command} in {@code workDir}, appending its output to {@code logFile}.
     *
     * @param name    a short label for messages, e.g. {@code etcd-1}
     * @param env     extra environment variables (added to the inherited environment)
     */
    public static ManagedProcess start(String name, List<String> command, Path workDir, Path logFile,
            Map<String, String> env) {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        builder.environment().putAll(env);
        try {
            Files.writeString(logFile, "=== start " + String.join(" ", command) + System.lineSeparator(),
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            ManagedProcess managed = new ManagedProcess(name, builder.start(), logFile);
            ProcessReaper.register(managed);
            return managed;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path logFile() {
        return logFile;
    }

    /** SIGTERM, then SIGKILL if the process has not exited within {@code grace}; waits for exit. */
    public void stop(Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        resume(); // a stopped (SIGSTOP) process would never handle SIGTERM
        process.destroy();
        if (!waitFor(grace)) {
            kill();
        }
    }

    /** SIGKILL and wait for exit. */
    public void kill() {
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(30));
    }

    /** SIGSTOP: the process freezes, keeping its sockets open (a hung, not a dead, peer). */
    public void pause() {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause()}. */
    public void resume() {
        if (process.isAlive()) {
            signal("CONT");
        }
    }

    /** Waits for the process to exit; true when it did within {@code timeout}. */
    public boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The last {@code lines} lines of the log, for failure messages. */
    public String logTail(int lines) {
        return tail(logFile, lines);
    }

    static String tail(Path file, int lines) {
        try {
            if (!Files.exists(file)) {
                return "(no log at " + file + ")";
            }
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    private void signal(String signal) {
        // Java has no API for SIGSTOP/SIGCONT; kill(1) is part of every Linux base system.
        Commands.Result result = Commands.run(Duration.ofSeconds(10), "kill", "-" + signal, Long.toString(pid()));
        if (result.exitCode() != 0 && process.isAlive()) {
            throw new IllegalStateException("kill -" + signal + " " + pid() + " failed: " + result.output());
        }
    }

    @Override
    public String toString() {
        return name + "(pid " + pid() + (isAlive() ? "" : ", exited") + ")";
    }
}
