package io.ganeshaha.migrate;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** The GlusterFS fixtures under src/test/resources/glusterfs, and running the command on them. */
final class Fixtures {

    static final Path ROOT = Path.of("src/test/resources/glusterfs");
    static final Path LAYOUT_SCRIPT = ROOT.resolve("glusterfs-layout.sh");
    static final String THREE_NODES = "three-nodes";
    static final String FOUR_NODES_FQDN = "four-nodes-fqdn";
    static final String THREE_NODES_NO_PORTBLOCK = "three-nodes-no-portblock";

    /** What one run printed and answered. */
    record Run(int exitCode, String out, String err) {
        List<String> notCarriedOver() {
            return err.lines().filter(l -> l.startsWith("not carried over: ")).toList();
        }
    }

    private Fixtures() {}

    static Path conf(String fixture) {
        return ROOT.resolve(fixture).resolve("ganesha-ha.conf");
    }

    static Path cib(String fixture) {
        return ROOT.resolve(fixture).resolve("cib.xml");
    }

    static String cibText(String fixture) throws IOException {
        return Files.readString(cib(fixture));
    }

    static Run importFixture(String fixture, String... more) {
        List<String> args = new ArrayList<>(List.of("import", "--config", conf(fixture).toString(),
                "--cib", cib(fixture).toString()));
        args.addAll(List.of(more));
        return run(args.toArray(String[]::new));
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = GaneshaHaCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** {@code xml} with {@code extra} put at the end of its {@code section} (resources, constraints, ...). */
    static String withAppended(String xml, String section, String extra) {
        String end = "</" + section + ">";
        if (!xml.contains(end)) {
            throw new IllegalArgumentException("no " + end + " in the CIB");
        }
        return xml.replace(end, extra + end);
    }
}
