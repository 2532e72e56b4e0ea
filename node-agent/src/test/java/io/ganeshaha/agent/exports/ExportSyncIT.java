package io.ganeshaha.agent.exports;

import static org.assertj.core.api.Assertions.assertThat;

import io.ganeshaha.agent.dbus.GaneshaBusListener;
import io.ganeshaha.agent.dbus.GaneshaDbus;
import io.ganeshaha.agent.dbus.GaneshaDbusException;
import io.ganeshaha.agent.dbus.GaneshaExports;
import io.ganeshaha.agent.testing.GaneshaOnPrivateBus;
import io.ganeshaha.agent.watch.ProcessProbe;
import io.ganeshaha.api.agent.ExportBlocks;
import io.ganeshaha.api.agent.HaConfigMap;
import io.ganeshaha.api.v1alpha1.ExportAccess;
import io.ganeshaha.api.v1alpha1.ExportClientSpecBuilder;
import io.ganeshaha.api.v1alpha1.ExportSpec;
import io.ganeshaha.api.v1alpha1.ExportSpecBuilder;
import io.ganeshaha.api.v1alpha1.ExportSquash;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The agent's export sync against a real ganesha.nfsd 4.3 on a private bus whose ganesha.conf
 * includes the agent's exports file (needs root, dbus, nfs-ganesha, -mem and -vfs): the cluster's
 * exports added, changed, replaced and removed live as the spec changes, an export ganesha refuses
 * reported in its words with nothing else changed, and a restarted ganesha serving the exports
 * from the file; the configured export (id 1, FSAL MEM) is served throughout.
 */
@Tag("integration")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ExportSyncIT {

    private static final Duration CALL = Duration.ofSeconds(5);

    private GaneshaOnPrivateBus nfsd;
    private GaneshaDbus dbus;
    private GaneshaExports exports;
    private Path configDir;
    private Path exportsFile;
    private ExportSync sync;

    @BeforeEach
    void start() throws Exception {
        nfsd = GaneshaOnPrivateBus.create();
        configDir = Files.createDirectories(nfsd.dir().resolve("ha-config"));
        exportsFile = nfsd.dir().resolve("etc/ganesha-ha-exports.conf");
        ExportFiles files = new ExportFiles(exportsFile);
        files.ensureServedFile(); // before ganesha starts: it refuses to start on an %include it cannot open
        nfsd.include(exportsFile).start();
        dbus = GaneshaDbus.connect(nfsd.busAddress(), GaneshaBusListener.IGNORE);
        exports = new GaneshaExports(dbus);
        ProcessProbe probe = new ProcessProbe(nfsd.pidFile());
        sync = new ExportSync(configDir, files, ExportManager.overDbus(exports, CALL), probe::probe, Clock.systemUTC());
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

    private Path directory(String name) throws Exception {
        return Files.createDirectories(nfsd.dir().resolve("exports").resolve(name));
    }

    private static ExportSpec export(int id, Path path, String pseudo) {
        return new ExportSpecBuilder().withExportId(id).withPath(path.toString()).withPseudo(pseudo)
                .withSquash(ExportSquash.NoRootSquash).build();
    }

    private void specify(long generation, ExportSpec... specified) throws Exception {
        Files.writeString(configDir.resolve(HaConfigMap.EXPORTS), ExportBlocks.toJson(List.of(specified)));
        Files.writeString(configDir.resolve(HaConfigMap.EXPORTS_GENERATION), "uid-it/" + generation);
    }

    private Optional<String> served(int id) throws GaneshaDbusException {
        return exports.display(id, CALL).map(GaneshaExports.Export::path);
    }

    private void configuredExportStillServed() throws GaneshaDbusException {
        assertThat(served(1)).as("the configured export").contains("/mem");
    }

    @Test
    void theClustersExportsFollowTheSpecLiveAndComeBackAfterARestart() throws Exception {
        Path a = directory("a");
        Path b = directory("b");
        Path a2 = directory("a2");

        specify(1, export(2, a, "/a"), export(3, b, "/b"));
        sync.run();
        assertThat(served(2)).contains(a.toString());
        assertThat(served(3)).contains(b.toString());
        assertThat(sync.report().appliedGeneration()).contains(1L);
        configuredExportStillServed();

        // Export 2 read-only with one read-write client, 3 removed, 4 on a path that does not exist.
        ExportSpec readOnly = export(2, a, "/a");
        readOnly.setAccessType(ExportAccess.RO);
        readOnly.setClients(List.of(new ExportClientSpecBuilder().withClients("127.0.0.1").withAccessType(ExportAccess.RW)
                .build()));
        Path missing = nfsd.dir().resolve("exports/missing");
        specify(2, readOnly, export(4, missing, "/m"));
        sync.run();
        ExportsReport report = sync.report();
        System.out.println("[exports] after generation 2: " + report);
        assertThat(served(2)).contains(a.toString());
        assertThat(served(3)).as("removed").isEmpty();
        assertThat(served(4)).as("refused").isEmpty();
        assertThat(report.refused()).containsOnlyKeys(4);
        assertThat(report.refused().get(4)).contains("org.freedesktop.DBus.Error.InvalidFileContent: 0 export entries in "
                + exportsFile + ".d/export-4.conf added because (block validation) errors");
        assertThat(report.appliedGeneration()).as("generation 2 is not served whole").contains(1L);
        assertThat(Files.readString(exportsFile)).contains("Access_Type = RO;").contains("Clients = 127.0.0.1;")
                .doesNotContain(missing.toString()).doesNotContain(b.toString());
        configuredExportStillServed();

        // A new path for export 2: replaced; then a path that does not exist: refused, a2 stays served.
        specify(3, export(2, a2, "/a"));
        sync.run();
        assertThat(served(2)).contains(a2.toString());
        assertThat(sync.report().appliedGeneration()).contains(3L);
        specify(4, export(2, missing, "/a"));
        sync.run();
        assertThat(served(2)).as("the previous version is put back").contains(a2.toString());
        assertThat(sync.report().refused()).containsOnlyKeys(2);
        specify(5, export(2, a2, "/a"), export(5, b, "/b"));
        sync.run();
        assertThat(sync.report().refused()).isEmpty();
        assertThat(sync.report().appliedGeneration()).contains(5L);

        // ganesha restarted: it serves the exports from the file it includes, before the agent looks.
        nfsd.restart();
        assertThat(served(2)).contains(a2.toString());
        assertThat(served(5)).contains(b.toString());
        configuredExportStillServed();
        sync.run();
        assertThat(sync.report().appliedGeneration()).contains(5L);
        assertThat(sync.report().served()).isEqualTo(2);
        assertThat(nfsd.logContents()).as("ganesha read the exports file without an error")
                .doesNotContain("Error while parsing");
    }

    @Test
    void anExportThatGaneshaServesFromItsOwnConfigurationIsLeftAlone() throws Exception {
        specify(1, export(1, directory("c"), "/c"));
        sync.run();
        assertThat(served(1)).as("still the configured MEM export").contains("/mem");
        assertThat(sync.report().refused().get(1)).contains("that ganesha-ha did not add");
    }
}
