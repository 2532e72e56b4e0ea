package io.ganeshaha.agent.dbus;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every listener event with its {@link System#nanoTime()} arrival time. */
final class RecordingListener implements GaneshaBusListener {

    record Event(long nanos, String kind, String a, String b) {
    }

    final List<Event> events = new CopyOnWriteArrayList<>();
    final List<Thread> threads = new CopyOnWriteArrayList<>();
    /** When true, every callback throws after recording (delivery must go on). */
    volatile boolean throwing;

    @Override
    public void ownerChanged(String oldOwner, String newOwner) {
        record("owner", oldOwner, newOwner);
    }

    @Override
    public void heartbeat(boolean healthy) {
        record("heartbeat", Boolean.toString(healthy), null);
    }

    @Override
    public void busLost(Throwable cause) {
        record("busLost", String.valueOf(cause), null);
    }

    @Override
    public void busRegained() {
        record("busRegained", null, null);
    }

    private void record(String kind, String a, String b) {
        events.add(new Event(System.nanoTime(), kind, a, b));
        threads.add(Thread.currentThread());
        if (throwing) {
            throw new IllegalStateException("listener failure injected by the test (" + kind + ")");
        }
    }

    List<Event> of(String kind) {
        List<Event> out = new ArrayList<>();
        for (Event e : events) {
            if (e.kind().equals(kind)) {
                out.add(e);
            }
        }
        return out;
    }

    long count(String kind) {
        return of(kind).size();
    }

    /** The last owner reported, "" if none yet. */
    String lastOwner() {
        List<Event> owners = of("owner");
        return owners.isEmpty() ? "" : owners.get(owners.size() - 1).b();
    }

    List<Long> heartbeatTimes() {
        List<Long> out = new ArrayList<>();
        for (Event e : of("heartbeat")) {
            out.add(e.nanos());
        }
        return out;
    }
}
