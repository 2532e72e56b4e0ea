package io.ganeshaha.agent.dbus;

import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.messages.DBusSignal;
import org.apache.commons.lang3.concurrent.BasicThreadFactory;

/**
 * Hands what the bus says about ganesha.nfsd to the {@link GaneshaBusListener}, on one event thread,
 * in order: owner changes of {@code org.ganesha.nfsd}, and heartbeats only from the current owner
 * (on the system bus anyone may emit a signal). Signals of a connection that is no longer the
 * session's current one are dropped. A listener's exception is logged and delivery goes on.
 */
final class SignalRouter {

    private static final System.Logger LOG = System.getLogger(SignalRouter.class.getName());

    /** Asks the bus who owns {@code org.ganesha.nfsd} over one connection. */
    @FunctionalInterface
    interface OwnerQuery {
        Optional<String> owner(BusLink link) throws GaneshaDbusException;
    }

    private final GaneshaBusListener listener;
    private final Predicate<BusLink> current;
    private final ExecutorService events;
    private volatile Thread eventThread;
    private volatile boolean closed;
    /** The owner the listener last heard of; only touched on the event thread. */
    private String reportedOwner = "";

    SignalRouter(GaneshaBusListener listener, Predicate<BusLink> current, String threadName) {
        this.listener = listener;
        this.current = current;
        ThreadFactory daemon = BasicThreadFactory.builder().namingPattern(threadName).daemon().build();
        this.events = Executors.newSingleThreadExecutor(r -> {
            Thread t = daemon.newThread(r);
            eventThread = t;
            return t;
        });
    }

    void nameOwnerChanged(BusLink link, DBusSignal signal) {
        Object[] p;
        try {
            p = signal.getParameters();
        } catch (DBusException e) {
            LOG.log(System.Logger.Level.WARNING, "undecodable NameOwnerChanged signal: " + e.getMessage());
            return;
        }
        if (p == null || p.length < 3 || !GaneshaDbus.BUS_NAME.equals(p[0])) {
            return;
        }
        String newOwner = p[2] == null ? "" : p[2].toString();
        dispatch(() -> {
            if (current.test(link)) {
                deliverOwner(newOwner);
            }
        });
    }

    void heartbeat(BusLink link, DBusSignal signal) {
        Object[] p;
        try {
            p = signal.getParameters();
        } catch (DBusException e) {
            LOG.log(System.Logger.Level.WARNING, "undecodable heartbeat signal: " + e.getMessage());
            return;
        }
        if (p == null || p.length < 1 || !(p[0] instanceof Boolean healthy)) {
            return;
        }
        String sender = signal.getSource();
        dispatch(() -> {
            if (current.test(link) && sender != null && sender.equals(reportedOwner)) {
                listener.heartbeat(healthy);
            }
        });
    }

    /** After a (re)connection: ask who owns the name, and report it if it differs from what the listener heard. */
    void reconcileOwner(BusLink link, OwnerQuery query) {
        dispatch(() -> {
            if (!current.test(link)) {
                return;
            }
            try {
                deliverOwner(query.owner(link).orElse(""));
            } catch (GaneshaDbusException e) {
                LOG.log(System.Logger.Level.DEBUG, "owner query after connecting failed: " + e.getMessage());
            }
        });
    }

    void busLost(Throwable cause) {
        dispatch(() -> listener.busLost(cause));
    }

    void busRegained() {
        dispatch(listener::busRegained);
    }

    /** Event thread only. */
    private void deliverOwner(String newOwner) {
        if (newOwner.equals(reportedOwner)) {
            return;
        }
        String old = reportedOwner;
        reportedOwner = newOwner;
        listener.ownerChanged(old, newOwner);
    }

    /** Queue a listener-facing task on the event thread; exceptions are logged, never propagated. */
    private void dispatch(Runnable task) {
        try {
            events.execute(() -> {
                if (closed) {
                    return;
                }
                try {
                    task.run();
                } catch (Throwable t) { // NOPMD: a listener bug must not stop event delivery
                    if (t instanceof VirtualMachineError vme) {
                        throw vme;
                    }
                    LOG.log(System.Logger.Level.WARNING, "GaneshaBusListener threw; continuing", t);
                }
            });
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    /** From now on no queued callback starts. */
    void stop() {
        closed = true;
    }

    /** No callback starts after this returns; one already running gets a second to finish. */
    void close() {
        stop();
        events.shutdown();
        if (Thread.currentThread() != eventThread) {
            try {
                if (!events.awaitTermination(1, TimeUnit.SECONDS)) {
                    LOG.log(System.Logger.Level.WARNING, "GaneshaBusListener callback still running 1 s after close()");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        events.shutdownNow();
    }
}
