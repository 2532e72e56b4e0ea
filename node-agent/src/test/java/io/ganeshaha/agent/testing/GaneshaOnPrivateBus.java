package io.ganeshaha.agent.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private dbus-daemon (system-bus-like config, unix socket in a temp dir) and a real
 * {@code ganesha.nfsd} (NFSv4 only, FSAL MEM, fs recovery backend in the temp dir, bound to
 * 127.0.0.1 on a free port) connected to it through {@code DBUS_SYSTEM_BUS_ADDRESS}.
 *
 * <p>Needs root and the Debian packages dbus, nfs-ganesha, nfs-ganesha-mem. Never touches other
 * processes: everything it signals it started itself, and it signals by pid. Processes are started
 * under {@code setpriv --pdeathsig KILL} from one long-lived launcher thread (the parent-death signal
 * fires when the thread that forked the child ends, so forking from short-lived threads would kill
 * the children early), so they die with the JVM even if it is killed; a shutdown hook and
 * {@link #close()} kill them too.
 *
 * <p>Facts about ganesha 4.3 this relies on (verified): it honours {@code DBUS_SYSTEM_BUS_ADDRESS};
 * it exits (status 1) when its bus dies; started without a bus it runs on without D-Bus and never
 * reconnects; the config keys are {@code Bind_Addr}, {@code RecoveryBackend}, {@code RecoveryRoot}.
 */
public final class GaneshaOnPrivateBus implements AutoCloseable {

    public static final String GANESHA = "/usr/bin/ganesha.nfsd";
    public static final String DBUS_DAEMON = "/usr/bin/dbus-daemon";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(5);
    private static final String READY_MARKER = "NFS SERVER INITIALIZED";

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
            "GaneshaOnPrivateBus-reaper"));
    }

    private final Path dir;
    private final Path busSocket;
    private final Path busConfig;
    private final Path ganeshaConfig;
    private final Path ganeshaLog;
    private final Path recoveryRoot;
    private final int nfsPort;
    private final ExecutorService launcher;

    private Process bus;
    private Process ganesha;
    private boolean ganeshaStopped;
    private boolean closed;

    private GaneshaOnPrivateBus(Path dir, int nfsPort) throws IOException {
        this.dir = dir;
        this.nfsPort = nfsPort;
        this.busSocket = dir.resolve("bus.sock");
        this.busConfig = dir.resolve("bus.conf");
        this.ganeshaConfig = dir.resolve("ganesha.conf");
        this.ganeshaLog = dir.resolve("ganesha.log");
        this.recoveryRoot = dir.resolve("recovery");
        Files.createDirectories(recoveryRoot);
        Files.writeString(busConfig, busConfig(busSocket));
        Files.writeString(ganeshaConfig, ganeshaConfig(nfsPort, recoveryRoot));
        this.launcher = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "GaneshaOnPrivateBus-launcher-" + dir.getFileName());
            t.setDaemon(true);
            return t;
        });
    }

    /** Writes the configs into a fresh temp dir; starts nothing. */
    public static GaneshaOnPrivateBus create() throws IOException {
        for (String tool : List.of(GANESHA, DBUS_DAEMON, "/usr/bin/setpriv", "/usr/bin/dbus-send", "/bin/kill")) {
            if (!Files.isExecutable(Path.of(tool))) {
                throw new IllegalStateException(tool + " is missing: install dbus, nfs-ganesha, nfs-ganesha-mem");
            }
        }
        Path dir = Files.createTempDirectory("ganesha-private-bus-");
        return new GaneshaOnPrivateBus(dir, freePort());
    }

    /**
     * ganesha's {@code heartbeat_freq} (NFS_CORE_PARAM, ms, 0 for no heartbeat; ganesha's default
     * is 1000) for the next {@link #start}.
     */
    public GaneshaOnPrivateBus heartbeatFreq(int millis) throws IOException {
        Files.writeString(ganeshaConfig, ganeshaConfig(nfsPort, recoveryRoot)
                .replace("Enable_UDP = false;", "Enable_UDP = false;\n              heartbeat_freq = " + millis + ";"));
        return this;
    }

    /** Adds {@code %include "<file>"} to ganesha.conf, as a host's ganesha.conf includes the agent's exports file. */
    public GaneshaOnPrivateBus include(Path file) throws IOException {
        Files.writeString(ganeshaConfig, Files.readString(ganeshaConfig) + "%include \"" + file + "\"\n");
        return this;
    }

    /** The pid file ganesha.nfsd writes. */
    public Path pidFile() {
        return dir.resolve("ganesha.pid");
    }

    // ------------------------------------------------------------------ accessors

    /** e.g. {@code unix:path=/tmp/ganesha-private-bus-123/bus.sock} */
    public String busAddress() {
        return "unix:path=" + busSocket;
    }

    public Path dir() {
        return dir;
    }

    /** ganesha's {@code RecoveryRoot}: event 5 with key K reads {@code <this>/K/v4recov}. */
    public Path recoveryRoot() {
        return recoveryRoot;
    }

    public Path logFile() {
        return ganeshaLog;
    }

    public int nfsPort() {
        return nfsPort;
    }

    public synchronized long ganeshaPid() {
        if (ganesha == null || !ganesha.isAlive()) {
            throw new IllegalStateException("ganesha.nfsd is not running");
        }
        return ganesha.pid();
    }

    public synchronized boolean ganeshaAlive() {
        return ganesha != null && ganesha.isAlive();
    }

    public synchronized boolean busAlive() {
        return bus != null && bus.isAlive();
    }

    // ------------------------------------------------------------------ bus

    /** Starts the private dbus-daemon (no-op if running) and waits until its socket accepts connections. */
    public synchronized GaneshaOnPrivateBus startBus() {
        checkOpen();
        if (busAlive()) {
            return this;
        }
        bus = launch(List.of(DBUS_DAEMON, "--config-file=" + busConfig, "--nofork", "--nopidfile"),
            dir.resolve("bus.out"), null);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!socketAccepts()) {
            if (!bus.isAlive()) {
                throw new IllegalStateException("dbus-daemon exited with " + bus.exitValue() + ": "
                    + read(dir.resolve("bus.out")));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("dbus-daemon socket " + busSocket + " not ready within " + START_TIMEOUT);
            }
            sleep(20);
        }
        return this;
    }

    /**
     * SIGKILLs the dbus-daemon and waits for it to exit. ganesha.nfsd 4.3 exits with it; unless it is
     * SIGSTOPped, that exit is waited for too.
     */
    public synchronized void stopBus() {
        kill9(bus, "dbus-daemon");
        bus = null;
        if (ganesha != null && !ganeshaStopped) {
            // ganesha exits on its own when its bus dies; give it the time, then make sure
            try {
                ganesha.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public synchronized void sigstopBus() {
        signal(requireAlive(bus, "dbus-daemon"), "STOP");
    }

    public synchronized void sigcontBus() {
        signal(requireAlive(bus, "dbus-daemon"), "CONT");
    }

    // ------------------------------------------------------------------ ganesha

    /**
     * Starts the bus if needed, then ganesha.nfsd, and waits until its log says
     * {@value #READY_MARKER} and {@code org.ganesha.nfsd} is owned on the bus.
     */
    public synchronized GaneshaOnPrivateBus start() {
        checkOpen();
        if (ganeshaAlive()) {
            throw new IllegalStateException("ganesha.nfsd already running as pid " + ganesha.pid());
        }
        startBus();
        long mark = logMark();
        ganeshaStopped = false;
        ganesha = launch(List.of(GANESHA, "-F", "-f", ganeshaConfig.toString(), "-L", ganeshaLog.toString(),
                "-p", dir.resolve("ganesha.pid").toString(), "-N", "NIV_EVENT"),
            dir.resolve("ganesha.out"), busAddress());
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!(logSince(mark).contains(READY_MARKER) && nameHasOwner())) {
            if (!ganesha.isAlive()) {
                throw new IllegalStateException("ganesha.nfsd exited with " + ganesha.exitValue() + "; log:\n"
                    + logSince(mark) + "\nstdout/stderr:\n" + read(dir.resolve("ganesha.out")));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("ganesha.nfsd not ready within " + START_TIMEOUT + "; log:\n" + logSince(mark));
            }
            sleep(50);
        }
        return this;
    }

    /** SIGKILLs ganesha.nfsd (also when stopped) and waits until it is gone. */
    public synchronized void kill9() {
        kill9(ganesha, "ganesha.nfsd");
        ganeshaStopped = false;
    }

    /** Sends SIGKILL and returns at once, without waiting (for latency measurements). */
    public synchronized void kill9NoWait() {
        requireAlive(ganesha, "ganesha.nfsd").destroyForcibly();
    }

    /** SIGSTOP, returning once every thread of ganesha.nfsd is stopped (kill only sends the signal). */
    public synchronized void sigstop() {
        signal(requireAlive(ganesha, "ganesha.nfsd"), "STOP");
        awaitAllThreadsStopped(ganesha.pid());
        ganeshaStopped = true;
    }

    private static void awaitAllThreadsStopped(long pid) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            boolean all = true;
            try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
                for (Path task : (Iterable<Path>) tasks::iterator) {
                    String stat = Files.readString(task.resolve("stat"));
                    char state = stat.charAt(stat.lastIndexOf(')') + 2);
                    all &= state == 'T' || state == 't' || state == 'Z' || state == 'X';
                }
            } catch (IOException | RuntimeException e) {
                return; // gone meanwhile: nothing left running
            }
            if (all) {
                return;
            }
            sleep(5);
        }
        throw new IllegalStateException("ganesha.nfsd " + pid + " did not stop within 5 s of SIGSTOP");
    }

    public synchronized void sigcont() {
        signal(requireAlive(ganesha, "ganesha.nfsd"), "CONT");
        ganeshaStopped = false;
    }

    /** kill -9 (if running) and start again. */
    public synchronized GaneshaOnPrivateBus restart() {
        if (ganeshaAlive()) {
            kill9();
        }
        return start();
    }

    // ------------------------------------------------------------------ log

    public String logContents() {
        return read(ganeshaLog);
    }

    /** The current length of ganesha's log, for {@link #logSince(long)}. */
    public long logMark() {
        try {
            return Files.exists(ganeshaLog) ? Files.size(ganeshaLog) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What ganesha logged after {@code mark}. */
    public String logSince(long mark) {
        byte[] all;
        try {
            all = Files.exists(ganeshaLog) ? Files.readAllBytes(ganeshaLog) : new byte[0];
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int from = (int) Math.min(mark, all.length);
        return new String(all, from, all.length - from, StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ close

    /** Kills everything it started (ganesha first, then the bus), bounded, and deletes the temp dir. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<String> failures = new ArrayList<>();
        for (Process p : new Process[] {ganesha, bus}) {
            if (p != null && p.isAlive()) {
                p.destroyForcibly(); // SIGKILL: works on a SIGSTOPped process too
                try {
                    if (!p.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                        failures.add("pid " + p.pid() + " did not exit within " + EXIT_TIMEOUT);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failures.add("interrupted waiting for pid " + p.pid());
                }
            }
            if (p != null && !p.isAlive()) {
                LIVE.remove(p);
            }
        }
        launcher.shutdownNow();
        if (failures.isEmpty() && !Boolean.getBoolean("ganesha.keepTempDir")) {
            deleteRecursively(dir);
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("GaneshaOnPrivateBus.close: " + failures);
        }
    }

    // ------------------------------------------------------------------ internals

    private Process launch(List<String> command, Path output, String systemBusAddress) {
        List<String> full = new ArrayList<>(List.of("/usr/bin/setpriv", "--pdeathsig", "KILL"));
        full.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(full)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        pb.environment().remove("DBUS_SESSION_BUS_ADDRESS");
        if (systemBusAddress != null) {
            pb.environment().put("DBUS_SYSTEM_BUS_ADDRESS", systemBusAddress);
        }
        try {
            Process p = launcher.submit(pb::start).get();
            LIVE.add(p);
            return p;
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot start " + command, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted starting " + command, e);
        }
    }

    private void kill9(Process p, String what) {
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroyForcibly();
        try {
            if (!p.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(what + " pid " + p.pid() + " did not die within " + EXIT_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted killing " + what, e);
        }
        LIVE.remove(p);
    }

    private static Process requireAlive(Process p, String what) {
        if (p == null || !p.isAlive()) {
            throw new IllegalStateException(what + " is not running");
        }
        return p;
    }

    private static void signal(Process p, String signal) {
        ProcessBuilder pb = new ProcessBuilder("/bin/kill", "-" + signal, Long.toString(p.pid()))
            .redirectErrorStream(true);
        try {
            Process kill = pb.start();
            if (!kill.waitFor(5, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
                throw new IllegalStateException("kill -" + signal + " " + p.pid() + " hung");
            }
            if (kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + p.pid() + " failed: "
                    + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private boolean socketAccepts() {
        if (!Files.exists(busSocket)) {
            return false;
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(busSocket));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Asks the bus with dbus-send (not with the code under test) whether org.ganesha.nfsd is owned. */
    private boolean nameHasOwner() {
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/dbus-send", "--bus=" + busAddress(), "--print-reply",
            "--reply-timeout=2000", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus",
            "org.freedesktop.DBus.NameHasOwner", "string:org.ganesha.nfsd").redirectErrorStream(true);
        try {
            Process p = pb.start();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.exitValue() == 0 && out.contains("boolean true");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("closed");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: it is a temp dir
        }
    }

    static String busConfig(Path socket) {
        return """
            <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
             "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
            <busconfig>
              <type>system</type>
              <auth>EXTERNAL</auth>
              <listen>unix:path=%s</listen>
              <policy context="default">
                <allow user="*"/>
                <deny own="*"/>
                <allow send_type="method_call"/>
                <allow send_type="signal"/>
                <allow send_requested_reply="true" send_type="method_return"/>
                <allow send_requested_reply="true" send_type="error"/>
                <allow receive_type="method_call"/>
                <allow receive_type="method_return"/>
                <allow receive_type="error"/>
                <allow receive_type="signal"/>
              </policy>
              <!-- as /etc/dbus-1/system.d/nfs-ganesha-dbus.conf: only root owns the name -->
              <policy user="root">
                <allow own="org.ganesha.nfsd"/>
                <allow send_destination="org.ganesha.nfsd"/>
              </policy>
            </busconfig>
            """.formatted(socket);
    }

    static String ganeshaConfig(int port, Path recoveryRoot) {
        return """
            NFS_CORE_PARAM {
              Protocols = 4;
              NFS_Port = %d;
              Bind_Addr = 127.0.0.1;
              Enable_NLM = false;
              Enable_RQUOTA = false;
              Enable_UDP = false;
            }
            NFSV4 {
              Grace_Period = 20;
              Lease_Lifetime = 10;
              RecoveryBackend = fs;
              RecoveryRoot = "%s";
            }
            NFS_KRB5 {
              Active_krb5 = false;
            }
            EXPORT {
              Export_ID = 1;
              Path = /mem;
              Pseudo = /mem;
              Access_Type = RW;
              Squash = No_Root_Squash;
              Protocols = 4;
              FSAL {
                Name = MEM;
              }
            }
            """.formatted(port, recoveryRoot);
    }
}
