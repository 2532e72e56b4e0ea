package io.ganeshaha.agent.watch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the ganesha.nfsd named by its pid file in /proc. Any doubt reads as "no process": a pid file
 * being rewritten, a pid that died between two reads, a pid recycled by another program (a racy
 * pid check must read as gone, never as an error: GlusterFS's agents once failed with a shell error).
 */
public final class ProcessProbe {

    static final String NFSD_COMM = "ganesha.nfsd";

    private final Path pidFile;
    private final Path proc;

    public ProcessProbe(Path pidFile, Path proc) {
        this.pidFile = pidFile;
        this.proc = proc;
    }

    public ProcessProbe(Path pidFile) {
        this(pidFile, Path.of("/proc"));
    }

    public Optional<NfsdProcess> probe() {
        long pid;
        try {
            // The first line only: ganesha 4.3 rewrites its pid file without truncating it, so a
            // shorter pid (after the pid counter wrapped) leaves the old one's tail behind it.
            String first = Files.readString(pidFile, StandardCharsets.US_ASCII).lines().findFirst().orElse("").strip();
            pid = Long.parseLong(first);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
        if (pid <= 0) {
            return Optional.empty();
        }
        try {
            return parseStat(pid, Files.readString(proc.resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * /proc/PID/stat is {@code pid (comm) state ppid ...}; comm may itself hold spaces and
     * parentheses, so it ends at the LAST ')'. Field 22 is the start time in clock ticks. A zombie
     * (state Z) has exited.
     */
    static Optional<NfsdProcess> parseStat(long pid, String stat) {
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        if (open < 0 || close < open) {
            return Optional.empty();
        }
        String comm = stat.substring(open + 1, close);
        String[] rest = stat.substring(close + 1).trim().split("\\s+");
        // rest[0] is field 3 (state), so field 22 (starttime) is rest[19].
        if (!NFSD_COMM.equals(comm) || rest.length < 20 || rest[0].equals("Z") || rest[0].equals("X")) {
            return Optional.empty();
        }
        try {
            return Optional.of(new NfsdProcess(pid, Long.parseLong(rest[19])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
