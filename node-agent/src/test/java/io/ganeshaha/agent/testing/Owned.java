package io.ganeshaha.agent.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * What a lab run holds (agents, probes, an operator): closed in the reverse order of handing over,
 * each whatever the others do, before the lab itself goes down (its teardown ends what is left).
 */
public final class Owned {

    private final List<AutoCloseable> owned = new ArrayList<>();

    public <T extends AutoCloseable> T own(T closeable) {
        synchronized (owned) {
            owned.add(closeable);
        }
        return closeable;
    }

    public void closeAll() {
        List<AutoCloseable> toClose;
        synchronized (owned) {
            toClose = new ArrayList<>(owned);
            owned.clear();
        }
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception e) {
                // the lab's teardown ends whatever is left
            }
        }
    }
}
