package io.ganeshaha.agent.instances;

import io.ganeshaha.agent.ocf.OcfAgent;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Which resource instances Pacemaker has started on this node, with the parameters they were
 * started with: one small file per instance under {@code /run/ganesha-ha/resources/} named after
 * {@code OCF_RESOURCE_INSTANCE} (unique in a CIB), holding the agent's name and the parameters.
 * It lives on tmpfs on purpose: it survives an agent restart (so a restart is not mistaken by
 * Pacemaker for a stopped resource, and causes no failover) but not a reboot (after which nothing
 * is started). The entry points' fallback reads the same files when the agent is unreachable.
 */
public class InstanceStore {

    /** The property naming the agent; parameters are named as in the CIB and never collide with it. */
    static final String AGENT_KEY = "ganesha-ha.agent";

    private final Path root;

    public InstanceStore(Path root) {
        this.root = root;
    }

    public void markStarted(OcfAgent agent, String instance, Map<String, String> parameters) {
        Path file = file(agent, instance);
        try {
            Files.createDirectories(file.getParent());
            Properties properties = new Properties();
            properties.putAll(parameters);
            properties.put(AGENT_KEY, agent.agentName());
            StringWriter text = new StringWriter();
            properties.store(text, "started by Pacemaker; removed on stop");
            Path temporary = file.resolveSibling("." + file.getFileName() + ".new");
            Files.writeString(temporary, text.toString(), StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record that " + instance + " started in " + file, e);
        }
    }

    public void markStopped(OcfAgent agent, String instance) {
        Path file = file(agent, instance);
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record that " + instance + " stopped in " + file, e);
        }
    }

    public boolean isStarted(OcfAgent agent, String instance) {
        return read(file(agent, instance)).filter(p -> agent.agentName().equals(p.get(AGENT_KEY))).isPresent();
    }

    /** Every started instance of {@code agent} with its parameters. */
    public Map<String, Map<String, String>> started(OcfAgent agent) {
        Map<String, Map<String, String>> result = new HashMap<>();
        Path dir = root;
        if (!Files.isDirectory(dir)) {
            return result;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                if (name.startsWith(".")) {
                    continue;
                }
                read(f).filter(p -> agent.agentName().equals(p.remove(AGENT_KEY))).ifPresent(p -> result.put(name, p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list started instances in " + dir, e);
        }
        return result;
    }

    private static Optional<Map<String, String>> read(Path file) {
        try {
            Properties properties = new Properties();
            properties.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
            Map<String, String> map = new HashMap<>();
            properties.forEach((k, v) -> map.put(k.toString(), v.toString()));
            return Optional.of(map);
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private Path file(OcfAgent agent, String instance) {
        if (instance.isEmpty() || instance.contains("/") || instance.startsWith(".")) {
            throw new IllegalArgumentException("resource instance name '" + instance + "' cannot name a file");
        }
        return root.resolve(instance);
    }
}
