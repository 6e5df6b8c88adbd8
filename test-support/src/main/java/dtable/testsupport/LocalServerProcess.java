package dtable.testsupport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A {@link ServerProcess} run from a local binary as a {@link ManagedProcess}, its output in its own log
 * file. Subclasses say how to start it ({@link #launch}); stopping, killing, pausing and the log are here.
 * Guarded by the owner's monitor; not thread-safe on its own.
 */
abstract class LocalServerProcess implements ServerProcess {

    private static final int LOG_TAIL_LINES = 40;

    private final String name;
    private final Path logFile;
    private final Duration stopGrace;
    private ManagedProcess process;

    /**
     * @param name      the process name in messages and in {@link ManagedProcess}
     * @param logFile   where its stdout and stderr go
     * @param stopGrace how long {@link #stop()} waits after SIGTERM before SIGKILL
     */
    LocalServerProcess(String name, Path logFile, Duration stopGrace) {
        this.name = name;
        this.logFile = logFile;
        this.stopGrace = stopGrace;
    }

    /** Starts {@code command} in {@code workDir}; fails when it is running already. */
    protected final ManagedProcess launch(List<String> command, Path workDir) {
        if (isRunning()) {
            throw new IllegalStateException(this + " is already running");
        }
        process = ManagedProcess.start(name, command, workDir, logFile, Map.of());
        return process;
    }

    @Override
    public void stop() {
        if (process != null) {
            process.stop(stopGrace);
        }
    }

    @Override
    public void kill() {
        if (process != null) {
            process.kill();
        }
    }

    @Override
    public void pause() {
        requireRunning().pause();
    }

    @Override
    public void resume() {
        requireRunning().resume();
    }

    @Override
    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    @Override
    public String logTail() {
        return ManagedProcess.tail(logFile, LOG_TAIL_LINES);
    }

    @Override
    public void destroy() {
        stop();
    }

    protected final ManagedProcess requireRunning() {
        if (!isRunning()) {
            throw new IllegalStateException(this + " is not running");
        }
        return process;
    }

    @Override
    public String toString() {
        return name;
    }
}
