package io.ganeshaha.agent.dbus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import java.io.EOFException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ganeshaha.agent.dbus.GaneshaDbusException.Reason;

/** Argument validation and message texts; nothing here needs a bus. */
class GaneshaDbusTest {

    @Test
    void graceArgumentAlwaysCarriesTheEvent() {
        assertThat(GaneshaDbus.graceArgument(5, "somepeer")).isEqualTo("5:somepeer");
        assertThat(GaneshaDbus.graceArgument(0, "198.18.0.102")).isEqualTo("0:198.18.0.102");
        assertThat(GaneshaDbus.graceArgument(4, "3")).isEqualTo("4:3");
        // an IPv6 key stays intact: ganesha splits at the first ':' only
        assertThat(GaneshaDbus.graceArgument(5, "fe80::1")).isEqualTo("5:fe80::1");
        assertThat(GaneshaDbus.graceArgument(2, "n-1.example.com")).isEqualTo("2:n-1.example.com");
    }

    @Test
    void graceEventMustBeZeroToFive() {
        assertThatThrownBy(() -> GaneshaDbus.graceArgument(-1, "x"))
            .isInstanceOf(IllegalArgumentException.class).hasMessage("grace event must be 0..5, got -1");
        assertThatThrownBy(() -> GaneshaDbus.graceArgument(6, "x"))
            .isInstanceOf(IllegalArgumentException.class).hasMessage("grace event must be 0..5, got 6");
    }

    @Test
    void graceKeyMustBeNonEmptyWithoutWhitespace() {
        assertThatThrownBy(() -> GaneshaDbus.graceArgument(5, null))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("grace key (IP address or node name) must not be empty");
        assertThatThrownBy(() -> GaneshaDbus.graceArgument(5, ""))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("grace key (IP address or node name) must not be empty");
        assertThatThrownBy(() -> GaneshaDbus.graceArgument(5, "n1 n2"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("grace key must not contain whitespace or control characters, got \"n1 n2\"");
        assertThatThrownBy(() -> GaneshaDbus.graceArgument(5, "n1\tn2"))
            .hasMessage("grace key must not contain whitespace or control characters, got \"n1\\u0009n2\"");
        assertThatThrownBy(() -> GaneshaDbus.graceArgument(5, "n1\n"))
            .hasMessage("grace key must not contain whitespace or control characters, got \"n1\\u000a\"");
        assertThatThrownBy(() -> GaneshaDbus.graceArgument(5, "n1\u00a0"))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GaneshaDbus.graceArgument(5, "n1\u0000"))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aReleaseNamesAClientOwnerWithItsSpacesButNoControlCharacters() {
        assertThat(GaneshaDbus.graceArgument(2, "Linux NFSv4.1 writer")).isEqualTo("2:Linux NFSv4.1 writer");
        assertThatThrownBy(() -> GaneshaDbus.graceArgument(2, "Linux\tNFSv4.1"))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GaneshaDbus.graceArgument(2, "writer\n"))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void timeoutsMustBePositiveAndRoundUpToWholeMilliseconds() {
        assertThatThrownBy(() -> BusSession.timeoutMillis(Duration.ZERO))
            .isInstanceOf(IllegalArgumentException.class).hasMessage("timeout must be positive, got PT0S");
        assertThatThrownBy(() -> BusSession.timeoutMillis(Duration.ofMillis(-5)))
            .isInstanceOf(IllegalArgumentException.class).hasMessage("timeout must be positive, got PT-0.005S");
        assertThatThrownBy(() -> BusSession.timeoutMillis(null)).isInstanceOf(NullPointerException.class);
        assertThat(BusSession.timeoutMillis(Duration.ofNanos(1))).isEqualTo(1);
        assertThat(BusSession.timeoutMillis(Duration.ofMillis(1))).isEqualTo(1);
        assertThat(BusSession.timeoutMillis(Duration.ofMillis(1).plusNanos(1))).isEqualTo(2);
        assertThat(BusSession.timeoutMillis(Duration.ofSeconds(20))).isEqualTo(20_000);
        assertThat(BusSession.timeoutMillis(Duration.ofDays(365 * 1000L))).isPositive();
    }

    @Test
    void optionsAreValidated() {
        BusSession.Options d = BusSession.Options.defaults();
        assertThat(d.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThatThrownBy(() -> d.withConnectTimeout(Duration.ZERO))
            .isInstanceOf(IllegalArgumentException.class).hasMessage("connectTimeout must be positive, got PT0S");
        assertThatThrownBy(() -> d.withReconnectDelays(Duration.ofSeconds(2), Duration.ofSeconds(1)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("reconnectMaxDelay (PT1S) must not be shorter than reconnectInitialDelay (PT2S)");
    }

    @Test
    void addressAndListenerAreRequired() {
        assertThatThrownBy(() -> GaneshaDbus.connect("  ", GaneshaBusListener.IGNORE))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("bus address must not be blank (e.g. unix:path=/run/dbus/system_bus_socket)");
        assertThatThrownBy(() -> GaneshaDbus.connect(null, GaneshaBusListener.IGNORE))
            .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> GaneshaDbus.connect("unix:path=/nonexistent", null))
            .isInstanceOf(NullPointerException.class);
    }

    @Test
    void exceptionMessagesSayWhatFailed() {
        String bus = "unix:path=/run/dbus/system_bus_socket";
        assertThat(GaneshaDbusException.unreachable(bus, "no connection within 2000 ms (dbus-daemon hung?)", null))
            .hasMessage("D-Bus bus unreachable at unix:path=/run/dbus/system_bus_socket: "
                + "no connection within 2000 ms (dbus-daemon hung?)")
            .satisfies(e -> assertThat(e.reason()).isEqualTo(Reason.BUS_UNREACHABLE));
        assertThat(GaneshaDbusException.busLost("get_grace()", bus, new EOFException("the bus closed the connection")))
            .hasMessage("get_grace() failed: not connected to the D-Bus bus at unix:path=/run/dbus/system_bus_socket "
                + "(connection lost: EOFException the bus closed the connection; reconnecting in the background)")
            .satisfies(e -> assertThat(e.reason()).isEqualTo(Reason.BUS_LOST));
        assertThat(GaneshaDbusException.busLost("get_grace()", bus, null))
            .hasMessage("get_grace() failed: not connected to the D-Bus bus at unix:path=/run/dbus/system_bus_socket "
                + "(connection lost; reconnecting in the background)");
        assertThat(GaneshaDbusException.noOwner("grace(\"5:n2\")", bus))
            .hasMessage("grace(\"5:n2\") failed: no owner of org.ganesha.nfsd on the bus at "
                + "unix:path=/run/dbus/system_bus_socket (ganesha.nfsd not running, or not connected to this bus)")
            .satisfies(e -> assertThat(e.reason()).isEqualTo(Reason.NO_OWNER));
        assertThat(GaneshaDbusException.timeout("grace(\"5:n2\")", 500, "org.ganesha.nfsd"))
            .hasMessage("grace(\"5:n2\") failed: timeout after 500 ms waiting for a reply from org.ganesha.nfsd")
            .satisfies(e -> assertThat(e.reason()).isEqualTo(Reason.TIMEOUT));
        assertThat(GaneshaDbusException.backlog("get_grace()", 32, "org.ganesha.nfsd"))
            .hasMessage("get_grace() failed: timeout: org.ganesha.nfsd has not answered 32 earlier calls (hung?); "
                + "not sending more until it does")
            .satisfies(e -> assertThat(e.reason()).isEqualTo(Reason.TIMEOUT));
        assertThat(GaneshaDbusException.ganeshaFailed("grace(\"5:n2\")", "Grace period start failed"))
            .hasMessage("grace(\"5:n2\") failed: ganesha answered status=false: Grace period start failed")
            .satisfies(e -> assertThat(e.reason()).isEqualTo(Reason.GANESHA_FAILED));
        assertThat(GaneshaDbusException.ganeshaFailed("get_grace()", ""))
            .hasMessage("get_grace() failed: ganesha answered status=false: (no error text)");
        assertThat(GaneshaDbusException.dbusError("get_grace()", "org.freedesktop.DBus.Error.AccessDenied", "Rejected", null))
            .hasMessage("get_grace() failed: D-Bus error org.freedesktop.DBus.Error.AccessDenied: Rejected")
            .satisfies(e -> assertThat(e.reason()).isEqualTo(Reason.DBUS_ERROR));
        assertThat(GaneshaDbusException.closed("get_grace()"))
            .hasMessage("get_grace() failed: GaneshaDbus is closed")
            .satisfies(e -> assertThat(e.reason()).isEqualTo(Reason.CLOSED));
    }

    @Test
    void connectToAMissingSocketFailsFastNamingTheAddress(@TempDir Path dir) {
        String address = "unix:path=" + dir.resolve("missing.sock");
        long t0 = System.nanoTime();
        GaneshaDbusException e = catchThrowableOfType(GaneshaDbusException.class,
            () -> GaneshaDbus.connect(address, GaneshaBusListener.IGNORE));
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(1000);
        assertThat(e.reason()).isEqualTo(Reason.BUS_UNREACHABLE);
        assertThat(e.getMessage()).startsWith("D-Bus bus unreachable at " + address + ": ");
    }

    @Test
    void openWithoutABusFailsCallsFastAndCloseMakesThemClosed(@TempDir Path dir) throws Exception {
        RecordingListener events = new RecordingListener();
        String address = "unix:path=" + dir.resolve("missing.sock");
        GaneshaDbus dbus = GaneshaDbus.open(address, events,
            BusSession.Options.defaults().withReconnectDelays(Duration.ofMillis(20), Duration.ofMillis(40)));
        try {
            await().atMost(Duration.ofSeconds(2)).until(() -> events.count("busLost") == 1);
            assertThat(dbus.isConnected()).isFalse();
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> dbus.inGrace(Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(GaneshaDbusException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BUS_LOST))
                .hasMessageStartingWith("get_grace() failed: not connected to the D-Bus bus at " + address);
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(100);
            Thread.sleep(300); // many failed reconnect attempts: still one busLost
            assertThat(events.count("busLost")).isEqualTo(1);
            assertThat(Files.exists(dir.resolve("missing.sock"))).isFalse();
        } finally {
            dbus.close();
        }
        assertThatThrownBy(() -> dbus.grace(5, "n2", Duration.ofSeconds(1)))
            .isInstanceOfSatisfying(GaneshaDbusException.class, e -> assertThat(e.reason()).isEqualTo(Reason.CLOSED))
            .hasMessage("grace(\"5:n2\") failed: GaneshaDbus is closed");
        assertThatThrownBy(() -> dbus.grace(9, "n2", Duration.ofSeconds(1)))
            .isInstanceOf(IllegalArgumentException.class);
        dbus.close(); // idempotent
    }
}
