package io.ganeshaha.migrate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The live CIB from {@code cibadmin --query}, bounded: a Pacemaker that does not answer is an error. */
final class CibadminQuery {

    private final String cibadmin;
    private final Duration timeout;

    CibadminQuery(String cibadmin, Duration timeout) {
        this.cibadmin = cibadmin;
        this.timeout = timeout;
    }

    String query() throws BadInput {
        Path out = null;
        Path err = null;
        Process process = null;
        try {
            out = Files.createTempFile("ganesha-ha-cib", ".xml");
            err = Files.createTempFile("ganesha-ha-cibadmin", ".err");
            process = new ProcessBuilder(cibadmin, "--query").redirectOutput(out.toFile()).redirectError(err.toFile())
                    .start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new BadInput(cibadmin + " --query did not answer within " + timeout.toSeconds() + " s: is Pacemaker"
                        + " running on this host? Or save the CIB where it runs (cibadmin --query > cib.xml) and give"
                        + " --cib cib.xml");
            }
            if (process.exitValue() != 0) {
                throw new BadInput(cibadmin + " --query failed (exit " + process.exitValue() + "): "
                        + Files.readString(err, StandardCharsets.UTF_8).strip());
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BadInput("cannot run " + cibadmin + " --query (" + e.getMessage() + "): run the import on a"
                    + " Pacemaker node, or give --cib with a saved cibadmin --query output", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BadInput("interrupted while waiting for " + cibadmin + " --query", e);
        } finally {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
            }
            delete(out);
            delete(err);
        }
    }

    private static void delete(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // a temporary file left behind in /tmp; nothing to tell the user
            }
        }
    }
}
