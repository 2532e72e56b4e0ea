package io.ganeshaha.agent.entrypoints;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Installs the OCF entry points this agent serves (bundled in its jar from {@code src/main/ocf})
 * into the host's provider directory, where Pacemaker looks for {@code ocf:ganesha-ha:*}. The
 * entry points and the agent then always come from the same build: a new agent image brings its
 * entry points with it.
 *
 * <p>Each file is replaced atomically (written beside, then renamed): Pacemaker may run an entry
 * point at any moment, and must see the old script or the new one, never half of one. A file that
 * is already identical is left alone.
 */
public final class EntryPointInstaller {

    private static final Logger LOG = Logger.getLogger(EntryPointInstaller.class);

    /** The shared library first, so no entry point is ever installed without it. */
    public static final List<String> FILES = List.of("ganesha-ha-ocf.sh", "ganesha_mon", "ganesha_grace",
            "ganesha_nfsd", "ganesha_takeover", "fence_ganesha_grace");

    private static final Set<PosixFilePermission> EXECUTABLE = PosixFilePermissions.fromString("rwxr-xr-x");

    /** What an installation did. */
    public record Result(List<String> installed, List<String> unchanged) {}

    private final Path providerDir;

    public EntryPointInstaller(Path providerDir) {
        this.providerDir = providerDir;
    }

    public Result install() throws IOException {
        Files.createDirectories(providerDir);
        List<String> installed = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        for (String name : FILES) {
            byte[] content = bundled(name);
            Path target = providerDir.resolve(name);
            if (Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), content)
                    && Files.getPosixFilePermissions(target).equals(EXECUTABLE)) {
                unchanged.add(name);
                continue;
            }
            Path staging = providerDir.resolve("." + name + ".ganesha-ha-new");
            // Durable before it is visible: after a crash, an empty entry point would exit 0, and a
            // monitor answering "running" for nothing is worse than a missing one.
            try (FileChannel out = FileChannel.open(staging, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                out.write(ByteBuffer.wrap(content));
                out.force(true);
            }
            Files.setPosixFilePermissions(staging, EXECUTABLE);
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(staging, target, StandardCopyOption.REPLACE_EXISTING);
            }
            installed.add(name);
        }
        if (!installed.isEmpty()) {
            try (FileChannel dir = FileChannel.open(providerDir, StandardOpenOption.READ)) {
                dir.force(true);
            }
        }
        if (!installed.isEmpty()) {
            LOG.infof("installed OCF entry points %s in %s (unchanged: %s)", installed, providerDir, unchanged);
        }
        return new Result(installed, unchanged);
    }

    static byte[] bundled(String name) throws IOException {
        try (InputStream in = EntryPointInstaller.class.getResourceAsStream("/ocf/" + name)) {
            if (in == null) {
                throw new IOException("the agent's jar lacks ocf/" + name + ": a broken build");
            }
            return in.readAllBytes();
        }
    }
}
