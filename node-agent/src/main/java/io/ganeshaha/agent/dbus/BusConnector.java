package io.ganeshaha.agent.dbus;

import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.connections.transports.AbstractTransport;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.matchrules.DBusMatchRule;
import org.freedesktop.dbus.matchrules.DBusMatchRuleBuilder;
import org.freedesktop.dbus.messages.constants.MessageTypes;

/**
 * One bounded connection attempt to dbus-daemon: socket, SASL, Hello, and the match rules for
 * ganesha's owner changes and heartbeats, all within the connect timeout. A hung dbus-daemon makes
 * the attempt fail at the timeout, and whatever the abandoned attempt built is closed.
 */
final class BusConnector {

    /** dbus-java retries a failed socket connect every 500 ms for timeout/500 attempts: one attempt. */
    private static final int ONE_TRANSPORT_ATTEMPT_MS = 500;

    private final String address;
    private final ExecutorService connector;

    BusConnector(String address, ExecutorService connector) {
        this.address = address;
        this.connector = connector;
    }

    /** Connects {@code link} within {@code timeoutMs}, routing its signals to {@code router}. */
    void connect(BusLink link, SignalRouter router, long timeoutMs) throws GaneshaDbusException {
        AtomicReference<AbstractTransport> transport = new AtomicReference<>();
        AtomicBoolean abandoned = new AtomicBoolean();
        Future<DBusConnection> attempt;
        try {
            attempt = connector.submit(() -> open(link, router, transport, abandoned));
        } catch (RejectedExecutionException e) {
            throw GaneshaDbusException.closed("connect");
        }
        try {
            link.conn = attempt.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            abandon(attempt, transport, abandoned);
            throw GaneshaDbusException.unreachable(address,
                "no connection within " + timeoutMs + " ms (dbus-daemon hung?)", null);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw GaneshaDbusException.unreachable(address, rootMessage(cause), cause);
        } catch (CancellationException e) {
            throw GaneshaDbusException.closed("connect");
        } catch (InterruptedException e) {
            abandon(attempt, transport, abandoned);
            Thread.currentThread().interrupt();
            throw GaneshaDbusException.interrupted("connect to " + address, e);
        }
    }

    private void abandon(Future<DBusConnection> attempt, AtomicReference<AbstractTransport> transport,
                         AtomicBoolean abandoned) {
        abandoned.set(true);
        if (!attempt.cancel(true)) { // it finished meanwhile: close what it made
            try {
                BusSession.closeQuietly(attempt.get(0, TimeUnit.MILLISECONDS));
            } catch (Exception ignored) {
                // it failed: nothing to close
            }
        }
        BusSession.closeQuietly(transport.get());
    }

    private DBusConnection open(BusLink link, SignalRouter router, AtomicReference<AbstractTransport> transport,
                                AtomicBoolean abandoned) throws DBusException {
        DBusConnection c = null;
        try {
            c = DBusConnectionBuilder.forAddress(address)
                .withShared(false)
                .withDisconnectCallback(link)
                .receivingThreadConfig()
                    .withSignalThreadCount(1) // one thread: signals reach us in wire order
                    .withMethodReturnThreadCount(1)
                    .withErrorHandlerThreadCount(1)
                    .withMethodCallThreadCount(1)
                    .connectionConfig()
                .transportConfig()
                    .withTimeout(ONE_TRANSPORT_ATTEMPT_MS) // we retry ourselves, with backoff
                    .withPreConnectCallback(transport::set)
                    .back()
                .build();
            c.addGenericSigHandler(nameOwnerChangedRule(), sig -> router.nameOwnerChanged(link, sig));
            c.addGenericSigHandler(heartbeatRule(), sig -> router.heartbeat(link, sig));
        } catch (DBusException | RuntimeException e) {
            if (c != null) {
                BusSession.closeQuietly(c);
            } else {
                BusSession.closeQuietly(transport.get());
            }
            throw e;
        }
        if (abandoned.get()) {
            BusSession.closeQuietly(c);
            throw new CancellationException("connection attempt abandoned");
        }
        return c;
    }

    static DBusMatchRule nameOwnerChangedRule() {
        return DBusMatchRuleBuilder.create()
            .withType(MessageTypes.SIGNAL)
            .withSender(BusSession.DBUS_NAME)
            .withPath(BusSession.DBUS_PATH)
            .withInterface(BusSession.DBUS_INTERFACE)
            .withMember("NameOwnerChanged")
            .withArg0123(0, GaneshaDbus.BUS_NAME)
            .build();
    }

    static DBusMatchRule heartbeatRule() {
        return DBusMatchRuleBuilder.create()
            .withType(MessageTypes.SIGNAL)
            .withPath(GaneshaDbus.HEARTBEAT_PATH)
            .withInterface(GaneshaDbus.ADMIN_INTERFACE)
            .withMember(GaneshaDbus.HEARTBEAT_MEMBER)
            .build();
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        String text = c.getMessage();
        String outer = t.getMessage();
        if (c == t || text == null) {
            return t.getClass().getSimpleName() + (outer == null ? "" : ": " + outer);
        }
        return (outer == null ? t.getClass().getSimpleName() : outer)
            + (outer != null && outer.contains(text) ? "" : " (" + c.getClass().getSimpleName() + ": " + text + ")");
    }
}
