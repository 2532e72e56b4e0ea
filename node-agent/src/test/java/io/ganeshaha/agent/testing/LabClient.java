package io.ganeshaha.agent.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A client machine of a {@link Lab}: a Linux kernel of its own (User-Mode Linux) on the lab's
 * switch, with a real NFS client, driven through {@code ganesha-lab client} (lab/README.md).
 */
public final class LabClient implements AutoCloseable {

    private static final Duration BOOT = Duration.ofSeconds(90);

    private final Lab lab;
    private final String name;

    LabClient(Lab lab, String name) {
        this.lab = lab;
        this.name = name;
    }

    /** Boots the guest (if it does not run) and returns its address on the lab's network. */
    public String start() {
        return call(BOOT, "start").orFail("ganesha-lab client " + name + " start").stdout().strip();
    }

    /** Runs {@code command} in the guest as root; its output and exit code. */
    public Shell.Result exec(Duration timeout, String... command) {
        List<String> args = new ArrayList<>(List.of("exec", "--"));
        args.addAll(List.of(command));
        return call(timeout, args.toArray(String[]::new));
    }

    public Shell.Result exec(String... command) {
        return exec(Duration.ofSeconds(60), command);
    }

    public String name() {
        return name;
    }

    private Shell.Result call(Duration timeout, String... args) {
        List<String> argv = new ArrayList<>(List.of(ProjectPaths.labScript().toString(), "client", "--dir",
                lab.dir().toString(), name));
        argv.addAll(List.of(args));
        return Shell.run(argv, timeout.plusSeconds(10));
    }

    @Override
    public void close() {
        call(Duration.ofSeconds(30), "stop");
    }
}
