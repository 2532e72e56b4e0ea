package io.ganeshaha.agent.exports;

import io.ganeshaha.agent.dbus.GaneshaDbusException;
import io.ganeshaha.agent.dbus.GaneshaExports;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * ganesha.nfsd's export manager as {@link ExportSync} uses it: an export added or changed from a
 * file, removed, or looked for. A call either succeeds, is refused by ganesha (its words, for the
 * user), or cannot be made now (ganesha gone, busy, the bus down: tried again later).
 */
public interface ExportManager {

    /** AddExport: ganesha reads export {@code id} from {@code file} and serves it. */
    void add(Path file, int id) throws Refused, Unavailable;

    /** UpdateExport: ganesha applies the block's settings to the export it serves. */
    void update(Path file, int id) throws Refused, Unavailable;

    /** RemoveExport; an id ganesha does not serve counts as removed. */
    void remove(int id) throws Refused, Unavailable;

    /** The path of the export of this id ganesha serves, empty if it serves none. */
    Optional<String> servedPath(int id) throws Unavailable;

    /** ganesha answered and would not do it: its message says why. */
    final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }

    /** The call could not be made or answered now. */
    final class Unavailable extends Exception {
        public Unavailable(String message) {
            super(message);
        }
    }

    /** ganesha's export manager over D-Bus, every call bounded by {@code timeout}. */
    static ExportManager overDbus(GaneshaExports exports, Duration timeout) {
        return new ExportManager() {
            @Override
            public void add(Path file, int id) throws Refused, Unavailable {
                try {
                    exports.add(file, id, timeout);
                } catch (GaneshaDbusException e) {
                    raise(e);
                }
            }

            @Override
            public void update(Path file, int id) throws Refused, Unavailable {
                try {
                    exports.update(file, id, timeout);
                } catch (GaneshaDbusException e) {
                    raise(e);
                }
            }

            @Override
            public void remove(int id) throws Refused, Unavailable {
                try {
                    exports.remove(id, timeout);
                } catch (GaneshaDbusException e) {
                    if (e.reason() == GaneshaDbusException.Reason.DBUS_ERROR && e.getMessage().contains("Export id not found")) {
                        return;
                    }
                    raise(e);
                }
            }

            @Override
            public Optional<String> servedPath(int id) throws Unavailable {
                try {
                    return exports.display(id, timeout).map(GaneshaExports.Export::path);
                } catch (GaneshaDbusException e) {
                    throw new Unavailable(e.getMessage());
                }
            }
        };
    }

    /**
     * ganesha's refusals are its two D-Bus errors, InvalidArgs and InvalidFileContent, except
     * "another export admin operation is in progress, try again later" (a SIGHUP reload or another
     * caller holds its export lock). Anything else (no reply, an unexpected one) says nothing of
     * what ganesha did: the call may have been made, so it is looked at again, not reported.
     */
    private static void raise(GaneshaDbusException e) throws Refused, Unavailable {
        String text = e.getMessage() == null ? "" : e.getMessage();
        if (e.reason() == GaneshaDbusException.Reason.DBUS_ERROR && !text.contains("try again later")
                && (text.contains("Error.InvalidArgs") || text.contains("Error.InvalidFileContent"))) {
            throw new Refused(e.getMessage());
        }
        throw new Unavailable(e.getMessage());
    }
}
