package io.ganeshaha.migrate;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ganesha-ha}: the command line tools that run outside Kubernetes; so far {@code import}. */
@Command(name = "ganesha-ha", mixinStandardHelpOptions = true, version = "ganesha-ha 0.1.0",
        description = "Tools for moving a GlusterFS NFS-Ganesha HA cluster to ganesha-ha.",
        subcommands = {ImportCommand.class, CommandLine.HelpCommand.class})
public final class GaneshaHaCommand {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line; picocli's exit code for a usage error is 2, the same as for bad input. */
    public static CommandLine commandLine() {
        return new CommandLine(new GaneshaHaCommand());
    }
}
