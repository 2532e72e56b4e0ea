package io.ganeshaha.migrate;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.w3c.dom.Document;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ganesha-ha import}: GlusterFS's ganesha-ha.conf and the CIB ganesha-ha.sh wrote in, the
 * GaneshaCluster that carries them over out (stdout), and on stderr one {@code not carried over:}
 * line for everything it could not carry.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Prints the GaneshaCluster (YAML) that carries a GlusterFS ganesha-ha.sh cluster over.",
                "From ganesha-ha.conf and the live CIB (or --cib): the nodes and their VIPs, the grace delay, the",
                "shared storage, the takeover order and the portblock pairs. What it cannot carry over is listed",
                "on stderr, one 'not carried over:' line each."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:everything was carried over", "2:bad input (the message names it); nothing printed",
                "3:the YAML is printed, but something was not carried over (see stderr)"})
public final class ImportCommand implements Callable<Integer> {

    public static final int EXIT_OK = 0;
    public static final int EXIT_BAD_INPUT = 2;
    public static final int EXIT_NOT_CARRIED_OVER = 3;

    @Spec
    CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "PATH",
            description = "GlusterFS's ganesha-ha.conf (HA_NAME, HA_CLUSTER_NODES, VIP_<node>).")
    Path config;

    @Option(names = "--cib", paramLabel = "FILE",
            description = "A saved 'cibadmin --query' output; by default cibadmin --query is run here.")
    Path cib;

    @Option(names = "--namespace", paramLabel = "NAMESPACE", description = "metadata.namespace of the GaneshaCluster.")
    String namespace;

    @Option(names = "--node-name", paramLabel = "PACEMAKER=KUBERNETES",
            description = "The Kubernetes node name of a Pacemaker node, where they differ (repeatable).")
    Map<String, String> nodeNames = new LinkedHashMap<>();

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "How long cibadmin --query may take (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Option(names = "--cibadmin", paramLabel = "PATH", defaultValue = "cibadmin", hidden = true)
    String cibadmin;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            GaneshaHaConf conf = GaneshaHaConf.parse(read(config, "--config"));
            String cibOrigin = cib == null ? "the output of cibadmin --query" : cib.toString();
            String cibXml = cib == null ? new CibadminQuery(cibadmin, Duration.ofSeconds(timeoutSeconds)).query()
                    : read(cib, "--cib");
            Document document = Dom.parseCib(cibXml, cibOrigin);
            ClusterImport.Result result = ClusterImport.of(conf, document, nodeNames, Optional.ofNullable(namespace));
            out.print(YamlOutput.write(result.cluster(), "GaneshaCluster imported by 'ganesha-ha import' from "
                    + config + " and " + cibOrigin + "."));
            out.flush();
            result.notCarriedOver().forEach(item -> err.println("not carried over: " + item));
            err.flush();
            return result.notCarriedOver().isEmpty() ? EXIT_OK : EXIT_NOT_CARRIED_OVER;
        } catch (BadInput e) {
            err.println("ganesha-ha import: " + e.getMessage());
            err.flush();
            return EXIT_BAD_INPUT;
        }
    }

    private static String read(Path file, String option) throws BadInput {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BadInput(option + " " + file + ": cannot read it (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ")", e);
        }
    }
}
