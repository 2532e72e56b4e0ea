package io.ganeshaha.agent.pacemaker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Node names as Pacemaker knows them. Never from hostname (in GlusterFS's agents short names and FQDNs
 * mismatched Pacemaker's, and names with '-' and '.' broke parsing).
 */
public class CrmNode {

    private final CommandRunner runner;
    private final Duration timeout;

    public CrmNode(CommandRunner runner, Duration timeout) {
        this.runner = runner;
        this.timeout = timeout;
    }

    /** {@code crm_node -n}: this node's name in the cluster. */
    public String localName() throws PacemakerCommandException {
        CommandRunner.Result result = runner.run(List.of("crm_node", "-n"), timeout);
        String name = result.stdout().strip();
        if (result.exitCode() != 0 || name.isEmpty() || name.contains("\n")) {
            throw new PacemakerCommandException("crm_node -n did not name this node: exit " + result.exitCode()
                    + ": " + result.stderr().strip());
        }
        return name;
    }

    /** {@code crm_node -l}: every node of the cluster, whatever its state. */
    public List<String> allNames() throws PacemakerCommandException {
        CommandRunner.Result result = runner.run(List.of("crm_node", "-l"), timeout);
        if (result.exitCode() != 0) {
            throw new PacemakerCommandException("crm_node -l failed: exit " + result.exitCode() + ": "
                    + result.stderr().strip());
        }
        return parseNodeList(result.stdout());
    }

    /** Lines are {@code ID NAME STATE}; names never contain whitespace. */
    static List<String> parseNodeList(String output) {
        List<String> names = new ArrayList<>();
        for (String line : output.split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length >= 2 && !fields[1].isEmpty()) {
                names.add(fields[1]);
            }
        }
        return names;
    }
}
