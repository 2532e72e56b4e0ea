package io.ganeshaha.agent.tickle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Objects;
import org.jboss.logging.Logger;

/**
 * Records, every few seconds, the NFS clients' connections to this host in the node's tree on the
 * shared storage ({@value #FILE} in its ganesha directory, where every peer reads it through its
 * peer link): a node lost whole resets nothing, its clients' connections live on until they
 * retransmit to the node that took the address over, seconds later on the retransmission timer.
 * With the record, that node resets them at once ({@link Tickler}). Written only when it changed,
 * and only while /var/lib/nfs points at the shared storage.
 */
public final class ConnectionRecorder implements Runnable {

    private static final Logger LOG = Logger.getLogger(ConnectionRecorder.class);

    /** The record's name in the node's {@code ganesha} directory (ganesha reads only v4recov and v4old there). */
    public static final String FILE = "ganesha-ha-connections";

    private final Path stateDir;
    private final List<Path> procNetTcp;
    private final int nfsPort;
    private String written;
    private Path writtenIn;
    private String lastProblem;

    /**
     * @param stateDir the host's NFS state directory (/var/lib/nfs)
     * @param procNetTcp {@code /proc/net/tcp} and {@code tcp6} of the agent's network namespace (the host's)
     */
    public ConnectionRecorder(Path stateDir, List<Path> procNetTcp, int nfsPort) {
        this.stateDir = stateDir;
        this.procNetTcp = procNetTcp;
        this.nfsPort = nfsPort;
    }

    @Override
    public void run() {
        if (!Files.isSymbolicLink(stateDir)) {
            return;
        }
        try {
            StringBuilder text = new StringBuilder();
            for (Path table : procNetTcp) {
                if (Files.exists(table)) {
                    NfsConnections.established(Files.readAllLines(table), nfsPort)
                            .forEach(c -> text.append(c.line()).append('\n'));
                }
            }
            Path file = stateDir.resolve("ganesha").resolve(FILE);
            Path target = stateDir.toRealPath();
            if (!target.equals(writtenIn) || !Files.exists(file)) {
                // Another tree (the link moved), or the record went: what is there counts.
                written = Files.exists(file) ? Files.readString(file) : null;
                writtenIn = target;
            }
            if (!text.toString().equals(written)) {
                Path next = file.resolveSibling(FILE + ".new");
                Files.writeString(next, text);
                Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                written = text.toString();
            }
            lastProblem = null;
        } catch (IOException | RuntimeException e) {
            String problem = e.toString();
            if (!Objects.equals(problem, lastProblem)) {
                LOG.warnf("cannot record the NFS clients' connections in %s: %s (a taker of this node's addresses "
                        + "then waits for the clients' retransmissions)", stateDir, problem);
            }
            lastProblem = problem;
        }
    }

    /** The connections recorded in {@code file}; none if it cannot be read. */
    static List<NfsConnections.Connection> read(Path file) {
        try {
            return Files.readAllLines(file).stream().map(NfsConnections.Connection::parseLine)
                    .flatMap(java.util.Optional::stream).toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
