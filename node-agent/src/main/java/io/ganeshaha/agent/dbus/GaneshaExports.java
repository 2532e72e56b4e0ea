package io.ganeshaha.agent.dbus;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.freedesktop.dbus.types.UInt16;

/**
 * ganesha.nfsd's export manager ({@code org.ganesha.nfsd.exportmgr} on
 * {@code /org/ganesha/nfsd/ExportMgr}) over the same {@link GaneshaDbus} session: an export added,
 * changed or removed live, without a restart and without touching the other exports. ganesha reads
 * an added or updated export from a configuration file, selected by its id; a refusal comes back
 * as a D-Bus error whose text is ganesha's ({@code InvalidFileContent} for a block it would not
 * take, {@code InvalidArgs} for an unknown id or a busy export manager), and the reason behind a
 * refused block (a missing path, a field that cannot change live) is often only in ganesha's log
 * (docs/ganesha-4.3-exports.md). Every call is bounded by its timeout.
 */
public final class GaneshaExports {

    /** Object path of ganesha's export manager. */
    public static final String PATH = "/org/ganesha/nfsd/ExportMgr";
    /** Its interface. */
    public static final String INTERFACE = "org.ganesha.nfsd.exportmgr";
    /** Highest export id ganesha takes: the id travels as a D-Bus uint16. */
    public static final int MAX_EXPORT_ID = 65535;

    private final BusSession session;

    public GaneshaExports(GaneshaDbus dbus) {
        this.session = Objects.requireNonNull(dbus, "dbus").session();
    }

    /**
     * What ganesha says of one export it serves. DisplayExport's third field is not taken: for an
     * export added over D-Bus ganesha 4.3 answers its path there, not its pseudo path (seen in
     * GaneshaExportsIT), so only a client's mount tells where it is in the pseudo file system.
     */
    public record Export(int id, String path) {}

    /**
     * {@code AddExport(file, "EXPORT(Export_Id=id)")}: ganesha reads that export's block from
     * {@code file} and serves it. Returns ganesha's message ({@code "1 exports added"}).
     *
     * @throws GaneshaDbusException DBUS_ERROR with ganesha's text if it refused (the id is served
     *     already, the block is invalid, its path does not exist, another export operation runs)
     */
    public String add(Path file, int exportId, Duration timeout) throws GaneshaDbusException {
        return fromFile("AddExport", file, exportId, timeout);
    }

    /**
     * {@code UpdateExport(file, "EXPORT(Export_Id=id)")}: ganesha applies the block's new settings
     * to the export it serves (access, protocols, squash, clients; not its path, tag or FSAL).
     * ganesha creates an export it does not serve yet.
     */
    public String update(Path file, int exportId, Duration timeout) throws GaneshaDbusException {
        return fromFile("UpdateExport", file, exportId, timeout);
    }

    /** {@code RemoveExport(id)}: ganesha stops serving it and drops its clients' state on it. */
    public void remove(int exportId, Duration timeout) throws GaneshaDbusException {
        String operation = "RemoveExport(" + checkedId(exportId) + ")";
        session.call(operation, GaneshaDbus.BUS_NAME, PATH, INTERFACE, "RemoveExport", "q", timeout,
                new UInt16(exportId));
    }

    /**
     * {@code DisplayExport(id)}: the export as ganesha serves it, empty when ganesha serves no
     * export of that id.
     */
    public Optional<Export> display(int exportId, Duration timeout) throws GaneshaDbusException {
        String operation = "DisplayExport(" + checkedId(exportId) + ")";
        Object[] reply;
        try {
            reply = session.call(operation, GaneshaDbus.BUS_NAME, PATH, INTERFACE, "DisplayExport", "q", timeout,
                    new UInt16(exportId));
        } catch (GaneshaDbusException e) {
            if (e.reason() == GaneshaDbusException.Reason.DBUS_ERROR && e.getMessage().contains("not found")) {
                return Optional.empty();
            }
            throw e;
        }
        if (reply.length < 2 || !(reply[0] instanceof UInt16 id) || !(reply[1] instanceof String path)) {
            throw GaneshaDbusException.unexpectedReply(operation,
                    "expected (q id, s path, s pseudo, s tag, a(...) clients), got " + BusCall.describe(reply));
        }
        return Optional.of(new Export(id.intValue(), path));
    }

    private String fromFile(String member, Path file, int exportId, Duration timeout) throws GaneshaDbusException {
        String expression = "EXPORT(Export_Id=" + checkedId(exportId) + ")";
        String operation = member + "(" + file + ", " + expression + ")";
        Object[] reply = session.call(operation, GaneshaDbus.BUS_NAME, PATH, INTERFACE, member, "ss", timeout,
                file.toString(), expression);
        if (reply.length < 1 || !(reply[0] instanceof String message)) {
            throw GaneshaDbusException.unexpectedReply(operation, "expected (s message), got " + BusCall.describe(reply));
        }
        return message;
    }

    private static int checkedId(int exportId) {
        if (exportId < 1 || exportId > MAX_EXPORT_ID) {
            throw new IllegalArgumentException("export id must be 1.." + MAX_EXPORT_ID + " (0 is ganesha's pseudo root),"
                    + " got " + exportId);
        }
        return exportId;
    }
}
