package io.ganeshaha.agent.watch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * One ganesha.nfsd process, identified by pid and kernel start time so that a recycled pid is
 * not mistaken for the daemon we saw before.
 */
public record NfsdProcess(long pid, long startTicks) {

    /**
     * When the process started, on the wall clock: the boot time ({@code btime} of
     * {@code <proc>/stat}, whole seconds) plus its start in clock ticks; empty if {@code proc}
     * cannot be read. Good to the second.
     */
    public Optional<Instant> startedAt(Path proc) {
        try {
            return Optional.of(Instant.ofEpochSecond(bootTime(proc))
                    .plusMillis(startTicks * 1000 / ServerEpoch.TICKS_PER_SECOND));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The boot time, in seconds since the epoch: {@code btime} of {@code <proc>/stat}. */
    static long bootTime(Path proc) throws IOException {
        for (String line : Files.readAllLines(proc.resolve("stat"), StandardCharsets.US_ASCII)) {
            if (line.startsWith("btime ")) {
                return Long.parseLong(line.substring(6).strip());
            }
        }
        throw new IOException(proc.resolve("stat") + " has no btime line");
    }
}
