package dtable.testsupport;

import java.time.Duration;

/** Whether the Testcontainers fallback can run: a Docker engine answers. Checked once per JVM. */
final class Docker {

    private static volatile Boolean available;

    private Docker() {
    }

    static boolean available() {
        Boolean known = available;
        if (known == null) {
            known = probe();
            available = known;
        }
        return known;
    }

    private static boolean probe() {
        if (Binaries.find("docker").isPresent()) {
            return Commands.run(Duration.ofSeconds(15), "docker", "info").ok();
        }
        try {
            // no CLI, but an engine may still be reachable through DOCKER_HOST or a socket
            return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable e) {
            return false;
        }
    }
}
