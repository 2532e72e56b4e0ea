package io.ganeshaha.agent.dbus;

import java.io.EOFException;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.freedesktop.dbus.connections.IDisconnectCallback;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.messages.MethodCall;

/**
 * One connection to dbus-daemon, from connect to loss. It is its own disconnect callback, so the
 * events of a connection that was replaced meanwhile are recognised as stale and ignored.
 */
final class BusLink implements IDisconnectCallback {

    final long id;
    volatile DBusConnection conn;
    /** Calls to ganesha that timed out on our side but are still pending at dbus-daemon. */
    final Set<MethodCall> unanswered = ConcurrentHashMap.newKeySet();
    private final BiConsumer<BusLink, Throwable> onLost;

    BusLink(long id, BiConsumer<BusLink, Throwable> onLost) {
        this.id = id;
        this.onLost = onLost;
    }

    @Override
    public void disconnectOnError(IOException e) {
        onLost.accept(this, e);
    }

    @Override
    public void clientDisconnect() {
        onLost.accept(this, new EOFException("the bus closed the connection"));
    }

    @Override
    public void exceptionOnTerminate(IOException e) {
        onLost.accept(this, e);
    }

    @Override
    public void requestedDisconnect(Integer remaining) {
        onLost.accept(this, new IOException("connection closed"));
    }

    @Override
    public String toString() {
        return "session#" + id;
    }
}
