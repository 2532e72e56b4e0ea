package io.ganeshaha.agent.dbus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ganeshaha.agent.testing.GaneshaOnPrivateBus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * ganesha's export manager as {@link GaneshaExports} drives it, against a real ganesha.nfsd 4.3 on
 * a private bus (needs root, dbus, nfs-ganesha, nfs-ganesha-mem and -vfs): exports on FSAL VFS
 * added, changed and removed live while the configured export (id 1, FSAL MEM) keeps being
 * served, and what ganesha answers when it refuses. What each case shows is what
 * docs/ganesha-4.3-exports.md says, read from ganesha's source.
 */
@Tag("integration")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GaneshaExportsIT {

    private static final Duration CALL = Duration.ofSeconds(5);

    private GaneshaOnPrivateBus nfsd;
    private GaneshaDbus dbus;
    private GaneshaExports exports;

    @BeforeEach
    void start() throws Exception {
        nfsd = GaneshaOnPrivateBus.create().start();
        dbus = GaneshaDbus.connect(nfsd.busAddress(), GaneshaBusListener.IGNORE);
        exports = new GaneshaExports(dbus);
    }

    @AfterEach
    void stop() {
        if (dbus != null) {
            dbus.close();
        }
        if (nfsd != null) {
            nfsd.close();
        }
    }

    /** An EXPORT block on FSAL VFS, as the agent will render one. */
    private Path exportFile(int id, Path path, String pseudo, String accessType, String clients) throws Exception {
        Path file = nfsd.dir().resolve("export-" + id + ".conf");
        Files.writeString(file, """
                EXPORT {
                  Export_Id = %d;
                  Path = "%s";
                  Pseudo = "%s";
                  Access_Type = %s;
                  Squash = No_Root_Squash;
                  Protocols = 4;
                  %s
                  FSAL {
                    Name = VFS;
                  }
                }
                """.formatted(id, path, pseudo, accessType, clients));
        return file;
    }

    private Path directory(String name) throws Exception {
        return Files.createDirectories(nfsd.dir().resolve("exports").resolve(name));
    }

    private void configuredExportStillServed() throws GaneshaDbusException {
        assertThat(exports.display(1, CALL)).as("the configured export").contains(new GaneshaExports.Export(1, "/mem"));
    }

    @Test
    void anExportIsAddedChangedAndRemovedLiveWhileTheOtherKeepsBeingServed() throws Exception {
        Path a = directory("a");
        assertThat(exports.display(2, CALL)).as("not served before it is added").isEmpty();

        String added = exports.add(exportFile(2, a, "/a", "RW", ""), 2, CALL);
        System.out.println("[exports] AddExport answered: " + added);
        assertThat(added).contains("1 exports added");
        assertThat(exports.display(2, CALL)).get().isEqualTo(new GaneshaExports.Export(2, a.toString()));
        configuredExportStillServed();

        String updated = exports.update(exportFile(2, a, "/a", "RO",
                "CLIENT { Clients = 127.0.0.1; Access_Type = RW; }"), 2, CALL);
        System.out.println("[exports] UpdateExport answered: " + updated);
        assertThat(updated).contains("1 exports updated");
        assertThat(exports.display(2, CALL)).get().isEqualTo(new GaneshaExports.Export(2, a.toString()));
        configuredExportStillServed();

        exports.remove(2, CALL);
        assertThat(exports.display(2, CALL)).as("removed").isEmpty();
        configuredExportStillServed();

        GaneshaDbusException again = catchThrowableOfType(GaneshaDbusException.class, () -> exports.remove(2, CALL));
        System.out.println("[exports] RemoveExport of an export not served: " + again.getMessage());
        assertThat(again.reason()).isEqualTo(GaneshaDbusException.Reason.DBUS_ERROR);
        assertThat(again.getMessage()).contains("RemoveExport(2)").contains("not found");
    }

    @Test
    void whatGaneshaRefusesItSaysAndNothingElseChanges() throws Exception {
        Path a = directory("a");
        Path file = exportFile(2, a, "/a", "RW", "");
        exports.add(file, 2, CALL);

        GaneshaDbusException twice = catchThrowableOfType(GaneshaDbusException.class, () -> exports.add(file, 2, CALL));
        System.out.println("[exports] AddExport of a served id: " + twice.getMessage());
        assertThat(twice.reason()).isEqualTo(GaneshaDbusException.Reason.DBUS_ERROR);
        assertThat(twice.getMessage()).contains("already active");

        Path missing = nfsd.dir().resolve("exports").resolve("missing");
        long mark = nfsd.logMark();
        GaneshaDbusException noPath = catchThrowableOfType(GaneshaDbusException.class,
                () -> exports.add(exportFile(3, missing, "/missing", "RW", ""), 3, CALL));
        System.out.println("[exports] AddExport of a missing path: " + noPath.getMessage());
        assertThat(noPath.reason()).isEqualTo(GaneshaDbusException.Reason.DBUS_ERROR);
        assertThat(noPath.getMessage()).contains("InvalidFileContent");
        assertThat(exports.display(3, CALL)).as("not served").isEmpty();
        assertThat(nfsd.logSince(mark)).as("the reason, in ganesha's log").contains(missing.toString());

        Path b = directory("b");
        GaneshaDbusException newPath = catchThrowableOfType(GaneshaDbusException.class,
                () -> exports.update(exportFile(2, b, "/a", "RW", ""), 2, CALL));
        System.out.println("[exports] UpdateExport of the path: " + newPath.getMessage());
        assertThat(newPath.reason()).isEqualTo(GaneshaDbusException.Reason.DBUS_ERROR);
        assertThat(exports.display(2, CALL)).as("still served as it was").get()
                .isEqualTo(new GaneshaExports.Export(2, a.toString()));
        configuredExportStillServed();
    }

    @Test
    void anIdOutsideWhatTheBusCarriesIsRefusedBeforeAnyCall() {
        assertThatThrownBy(() -> exports.remove(0, CALL)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pseudo root");
        assertThatThrownBy(() -> exports.display(65536, CALL)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1..65535");
    }

    @Test
    void withGaneshaGoneACallFailsAtOnceNamingIt() throws Exception {
        nfsd.kill9();
        GaneshaDbusException gone = catchThrowableOfType(GaneshaDbusException.class,
                () -> exports.display(1, CALL));
        assertThat(gone.reason()).isEqualTo(GaneshaDbusException.Reason.NO_OWNER);
        assertThat(gone.getMessage()).contains("DisplayExport(1)");
    }
}
