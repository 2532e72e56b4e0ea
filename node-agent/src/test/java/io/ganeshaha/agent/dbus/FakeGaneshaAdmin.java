package io.ganeshaha.agent.dbus;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for ganesha's admin object, exported by a test connection that owns
 * {@code org.ganesha.nfsd}: lets tests provoke answers real ganesha does not give on demand
 * ({@code status=false}, a {@code grace} call that blocks).
 */
public final class FakeGaneshaAdmin implements FakeGaneshaAdminApi {

    final List<String> graceArguments = new CopyOnWriteArrayList<>();
    /** grace answers status=false with this text when set. */
    volatile String failWith;
    /** grace blocks this long before answering (ganesha loops on EAGAIN while grace references are held). */
    volatile long blockMillis;

    @Override
    public Pair<Boolean, String> grace(String argument) {
        graceArguments.add(argument);
        if (blockMillis > 0) {
            try {
                Thread.sleep(blockMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        String failure = failWith;
        return failure != null ? new Pair<>(false, failure) : new Pair<>(true, "Started grace period");
    }

    @Override
    public Triple<Boolean, Boolean, String> get_grace() {
        return new Triple<>(true, true, "get grace success");
    }

    @Override
    public String getObjectPath() {
        return GaneshaDbus.ADMIN_PATH;
    }
}
