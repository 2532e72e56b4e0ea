package io.ganeshaha.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.net.HttpURLConnection;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The tests' edits of objects that the operator writes too: a person's edit of a GaneshaCluster,
 * the DaemonSet controller's status of the agents' DaemonSet. Fabric8's {@code edit} reads the
 * object and writes it under the resourceVersion it read, so a write of the operator between the
 * two makes the API server answer 409 Conflict, as it would to {@code kubectl edit}. The edit is
 * then made again on the object as it now is; the change must therefore be a function of the
 * object it is given (add an export, set a field), never of a copy taken earlier.
 */
public final class Edits {

    /** More than the operator's writes of one reconciliation; a conflict after that many is a defect to see. */
    static final int ATTEMPTS = 10;

    private Edits() {
    }

    public static <T extends HasMetadata> T edit(Resource<T> resource, UnaryOperator<T> change) {
        return madeAgainOnConflict(() -> resource.edit(change));
    }

    public static <T extends HasMetadata> T editStatus(Resource<T> resource, UnaryOperator<T> change) {
        return madeAgainOnConflict(() -> resource.editStatus(change));
    }

    /** What the DaemonSet controller writes once all {@code pods} of {@code daemonSet} run its template and are ready. */
    public static DaemonSet rolledOut(Resource<DaemonSet> daemonSet, int pods) {
        return editStatus(daemonSet, ds -> {
            ds.setStatus(new DaemonSetStatusBuilder().withDesiredNumberScheduled(pods).withUpdatedNumberScheduled(pods)
                    .withNumberReady(pods).withObservedGeneration(ds.getMetadata().getGeneration()).build());
            return ds;
        });
    }

    private static <T extends HasMetadata> T madeAgainOnConflict(Supplier<T> write) {
        KubernetesClientException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                return write.get();
            } catch (KubernetesClientException e) {
                if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                    throw e;
                }
                last = e;
                // The API server's words name the object: Operation cannot be fulfilled on <kind> "<name>": ...
                System.out.printf("edit %d: %s%n", attempt, e.getStatus() == null ? e.getMessage() : e.getStatus().getMessage());
            }
        }
        throw new IllegalStateException("the edit met a newer object " + ATTEMPTS + " times in a row", last);
    }
}
