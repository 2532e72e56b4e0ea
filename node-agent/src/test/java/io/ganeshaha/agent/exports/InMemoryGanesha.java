package io.ganeshaha.agent.exports;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ganesha's export manager as ExportSync sees it, with ganesha 4.3's refusals as GaneshaExportsIT
 * recorded them: an add of an id already served, a path that does not exist, an update that
 * changes the path. It reads each block from the file it is given, so what was staged is what is
 * served; every call is journaled.
 */
final class InMemoryGanesha implements ExportManager {

    private static final Pattern ID = Pattern.compile("Export_Id = (\\d+);");
    private static final Pattern PATH = Pattern.compile("\\n    Path = \"([^\"]*)\";");

    /** The blocks served, by id. */
    final TreeMap<Integer, String> served = new TreeMap<>();
    final List<String> calls = new ArrayList<>();
    final Set<String> existingPaths;
    boolean gone;
    /** The next add or update is made, but its answer never arrives (a timeout after the fact). */
    boolean loseNextAnswer;

    InMemoryGanesha(Set<String> existingPaths) {
        this.existingPaths = existingPaths;
    }

    @Override
    public void add(Path file, int id) throws Refused, Unavailable {
        calls.add("add " + id);
        String block = read(file, id);
        if (served.containsKey(id)) {
            throw new Refused("InvalidFileContent: Selected entries in " + file + " already active!!!");
        }
        checkPath(file, block, "added");
        served.put(id, block);
        answerLost();
    }

    private void answerLost() throws Unavailable {
        if (loseNextAnswer) {
            loseNextAnswer = false;
            throw new Unavailable("TIMEOUT: no reply within 5000 ms");
        }
    }

    @Override
    public void update(Path file, int id) throws Refused, Unavailable {
        calls.add("update " + id);
        String block = read(file, id);
        String before = served.get(id);
        if (before != null && !path(before).equals(path(block))) {
            throw new Refused("InvalidFileContent: 0 export entries in " + file
                    + " updated because (invalid param value) errors. Details: ...");
        }
        checkPath(file, block, "updated");
        served.put(id, block);
        answerLost();
    }

    @Override
    public void remove(int id) throws Unavailable {
        calls.add("remove " + id);
        available();
        served.remove(id);
    }

    @Override
    public java.util.Optional<String> servedPath(int id) throws Unavailable {
        calls.add("display " + id);
        available();
        return java.util.Optional.ofNullable(served.get(id)).map(InMemoryGanesha::path);
    }

    private void checkPath(Path file, String block, String verb) throws Refused {
        if (!existingPaths.contains(path(block))) {
            throw new Refused("InvalidFileContent: 0 export entries in " + file + " " + verb
                    + " because (block validation) errors. Details: ...");
        }
    }

    private String read(Path file, int id) throws Unavailable {
        available();
        try {
            String text = Files.readString(file);
            Matcher m = ID.matcher(text);
            if (!m.find() || Integer.parseInt(m.group(1)) != id) {
                throw new AssertionError(file + " does not hold export " + id + ": " + text);
            }
            return text.substring(text.indexOf("EXPORT {"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void available() throws Unavailable {
        if (gone) {
            throw new Unavailable("NO_OWNER: org.ganesha.nfsd has no owner");
        }
    }

    static String path(String block) {
        Matcher m = PATH.matcher(block);
        if (!m.find()) {
            throw new AssertionError("no Path in " + block);
        }
        return m.group(1);
    }
}
