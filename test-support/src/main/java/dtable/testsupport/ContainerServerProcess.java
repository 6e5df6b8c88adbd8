package dtable.testsupport;

import com.github.dockerjava.api.DockerClient;
import java.time.Duration;
import java.util.List;
import org.testcontainers.containers.GenericContainer;

/**
 * A {@link ServerProcess} in a container, for when the local binaries are absent but Docker is there.
 * The first {@link #start()} creates the container; later ones restart the same container through the
 * Docker API, so its data survives. Not thread-safe on its own.
 */
abstract class ContainerServerProcess implements ServerProcess {

    private static final int LOG_TAIL_LINES = 40;

    protected final GenericContainer<?> container;
    private final Duration stopGrace;
    private boolean created;

    /**
     * @param container the configured, not yet started container
     * @param stopGrace how long {@link #stop()} lets the server shut down before Docker kills it
     */
    ContainerServerProcess(GenericContainer<?> container, Duration stopGrace) {
        this.container = container;
        this.stopGrace = stopGrace;
    }

    /** Called after a restart of the existing container (not after the first start); waits as needed. */
    protected void afterRestart() {
    }

    @Override
    public void start() {
        if (!created) {
            container.start();
            created = true;
            return;
        }
        docker().startContainerCmd(container.getContainerId()).exec();
        afterRestart();
    }

    @Override
    public void stop() {
        if (isRunning()) {
            resume();
            docker().stopContainerCmd(container.getContainerId()).withTimeout((int) stopGrace.toSeconds()).exec();
        }
    }

    @Override
    public void kill() {
        if (isRunning()) {
            resume();
            docker().killContainerCmd(container.getContainerId()).exec();
        }
    }

    @Override
    public void pause() {
        docker().pauseContainerCmd(container.getContainerId()).exec();
    }

    @Override
    public void resume() {
        if (Boolean.TRUE.equals(docker().inspectContainerCmd(container.getContainerId()).exec().getState().getPaused())) {
            docker().unpauseContainerCmd(container.getContainerId()).exec();
        }
    }

    @Override
    public boolean isRunning() {
        return created && Boolean.TRUE.equals(
                docker().inspectContainerCmd(container.getContainerId()).exec().getState().getRunning());
    }

    @Override
    public String logTail() {
        String[] lines = (created ? container.getLogs() : "").split("\n");
        return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - LOG_TAIL_LINES), lines.length));
    }

    @Override
    public void destroy() {
        if (created) {
            container.stop();
        }
    }

    private DockerClient docker() {
        return container.getDockerClient();
    }
}
