package io.ganeshaha.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The committed CIB fixtures are what glusterfs-layout.sh writes with Pacemaker's own tools: where
 * they are installed, each fixture is written again and imported to the same GaneshaCluster.
 */
class GlusterFsLayoutScriptTest {

    @ParameterizedTest
    @CsvSource({Fixtures.THREE_NODES + ",", Fixtures.FOUR_NODES_FQDN + ",",
            Fixtures.THREE_NODES_NO_PORTBLOCK + ",--no-portblock"})
    void theFixtureIsWhatPacemakersToolsWriteForItsConf(String fixture, String option, @TempDir Path dir)
            throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/cibadmin")), "Pacemaker's cibadmin is not installed");
        Path cib = dir.resolve("cib.xml");
        List<String> command = new ArrayList<>(List.of("bash", Fixtures.LAYOUT_SCRIPT.toString()));
        if (option != null) {
            command.add(option);
        }
        command.addAll(List.of(Fixtures.conf(fixture).toString(), cib.toString()));
        Process script = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(script.waitFor(60, TimeUnit.SECONDS)).as("the script finishes").isTrue();
        String output = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(script.exitValue()).as(output).isZero();

        // The root element carries the CIB's epoch, which counts the writes; the configuration is the same.
        assertThat(withoutRoot(Files.readString(cib))).isEqualTo(withoutRoot(Fixtures.cibText(fixture)));
        Fixtures.Run committed = Fixtures.importFixture(fixture);
        Fixtures.Run regenerated = Fixtures.run("import", "--config", Fixtures.conf(fixture).toString(), "--cib", cib.toString());
        assertThat(regenerated.exitCode()).isEqualTo(committed.exitCode()).isZero();
        assertThat(regenerated.out().replace(cib.toString(), "CIB"))
                .isEqualTo(committed.out().replace(Fixtures.cib(fixture).toString(), "CIB"));
    }

    private static String withoutRoot(String cib) {
        return cib.substring(cib.indexOf('\n') + 1);
    }
}
