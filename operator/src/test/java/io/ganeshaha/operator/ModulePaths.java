package io.ganeshaha.operator;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the tests find the files of the repository around this module (chart, CRDs, examples). */
public final class ModulePaths {

    private ModulePaths() {}

    /** The operator module's directory: Surefire and Failsafe set {@code basedir} and run there. */
    public static Path moduleDir() {
        return Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath().normalize();
    }

    public static Path repositoryRoot() {
        Path root = moduleDir().getParent();
        if (root == null || !Files.isRegularFile(root.resolve("pom.xml")) || !Files.isDirectory(root.resolve("helm"))) {
            throw new IllegalStateException("not run from the operator module of the repository: " + moduleDir());
        }
        return root;
    }
}
