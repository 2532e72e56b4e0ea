package io.ganeshaha.agent.pacemaker;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The CIB's configuration sections and cluster properties, through cibadmin and crm_attribute;
 * every call bounded like the other Pacemaker tools.
 */
public class Cib {

    /** crm_attribute's exit code for an attribute that is not set (CRM_EX_NOSUCH). */
    static final int NO_SUCH = 105;

    private final CommandRunner runner;
    private final Duration timeout;

    public Cib(CommandRunner runner, Duration timeout) {
        this.runner = runner;
        this.timeout = timeout;
    }

    /** The section ({@code resources}, {@code constraints}) as XML text. */
    public String query(String scope) throws PacemakerCommandException {
        CommandRunner.Result r = runner.run(List.of("cibadmin", "--query", "--scope", scope), timeout);
        if (r.exitCode() != 0) {
            throw new PacemakerCommandException("cibadmin --query --scope " + scope + " failed with " + r.exitCode()
                    + ": " + r.stderr().strip());
        }
        return r.stdout();
    }

    /** Replaces the whole section with {@code xml}, whose root element is the section's. */
    public void replace(String scope, String xml) throws PacemakerCommandException {
        CommandRunner.Result r = runner.run(List.of("cibadmin", "--replace", "--scope", scope, "--xml-text", xml),
                timeout);
        if (r.exitCode() != 0) {
            throw new PacemakerCommandException("cibadmin --replace --scope " + scope + " failed with " + r.exitCode()
                    + ": " + r.stderr().strip());
        }
    }

    /** A cluster property (crm_config), if set. */
    public Optional<String> property(String name) throws PacemakerCommandException {
        CommandRunner.Result r = runner.run(List.of("crm_attribute", "--type", "crm_config", "--name", name,
                "--query", "--quiet"), timeout);
        if (r.exitCode() == NO_SUCH) {
            return Optional.empty();
        }
        if (r.exitCode() != 0) {
            throw new PacemakerCommandException("crm_attribute --query " + name + " failed with " + r.exitCode() + ": "
                    + r.stderr().strip());
        }
        String value = r.stdout().strip();
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    public void setProperty(String name, String value) throws PacemakerCommandException {
        CommandRunner.Result r = runner.run(List.of("crm_attribute", "--type", "crm_config", "--name", name,
                "--update", value), timeout);
        if (r.exitCode() != 0) {
            throw new PacemakerCommandException("crm_attribute --update " + name + "=" + value + " failed with "
                    + r.exitCode() + ": " + r.stderr().strip());
        }
    }
}
