package io.ganeshaha.agent.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the project's pieces are, found from the directory Maven runs the tests in. */
public final class ProjectPaths {

    private ProjectPaths() {}

    public static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isRegularFile(dir.resolve("lab/ganesha-lab")) && Files.isDirectory(dir.resolve("src/main/ocf"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("cannot find the project root (lab/ganesha-lab) above " + Path.of("").toAbsolutePath());
    }

    public static Path labScript() {
        return root().resolve("lab/ganesha-lab");
    }

    public static Path ocfDir() {
        return root().resolve("src/main/ocf");
    }

    /** The node agent as `mvn package` builds it. */
    public static Path agentJar() {
        Path jar = root().resolve("node-agent/target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run the tests through `mvn verify`, which packages the agent first");
        }
        return jar;
    }
}
