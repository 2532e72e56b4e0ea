package io.ganeshaha.agent.dbus;

import org.freedesktop.dbus.Tuple;
import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.annotations.Position;
import org.freedesktop.dbus.interfaces.DBusInterface;

/** ganesha's {@code org.ganesha.nfsd.admin} methods as far as {@link FakeGaneshaAdmin} plays them. */
@DBusInterfaceName("org.ganesha.nfsd.admin")
public interface FakeGaneshaAdminApi extends DBusInterface {

    Pair<Boolean, String> grace(String argument);

    Triple<Boolean, Boolean, String> get_grace(); // NOPMD: the D-Bus member name

    final class Pair<A, B> extends Tuple {
        @Position(0)
        public final A a;
        @Position(1)
        public final B b;

        public Pair(A a, B b) {
            this.a = a;
            this.b = b;
        }
    }

    final class Triple<A, B, C> extends Tuple {
        @Position(0)
        public final A a;
        @Position(1)
        public final B b;
        @Position(2)
        public final C c;

        public Triple(A a, B b, C c) {
            this.a = a;
            this.b = b;
            this.c = c;
        }
    }
}
