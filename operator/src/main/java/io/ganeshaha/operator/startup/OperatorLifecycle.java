package io.ganeshaha.operator.startup;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.ganeshaha.operator.dependent.AgentDefaults;
import io.javaoperatorsdk.operator.Operator;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * Starts the operator's controllers once its configuration reads ({@link AgentDefaults}) and
 * {@link ApiServerCheck} passed, and stops them on shutdown
 * ({@code quarkus.operator-sdk.start-operator=false} leaves both to this bean). When a check fails
 * the operator logs its one line and exits with status 1.
 */
@ApplicationScoped
public class OperatorLifecycle {

    private static final Logger LOG = Logger.getLogger(OperatorLifecycle.class);
    /** Each of the probe's connect and request; a first run waits at most about this long to be told. */
    static final int PROBE_TIMEOUT_MS = 3_000;

    private volatile boolean started;

    void onStart(@Observes StartupEvent event, Operator operator, KubernetesClient client) {
        try {
            AgentDefaults.fromConfig();
        } catch (IllegalArgumentException e) {
            LOG.error(e.getMessage());
            Quarkus.asyncExit(1);
            return;
        }
        Config config = client.getConfiguration();
        ApiServerCheck.Sources sources = new ApiServerCheck.Sources(config.getFile() != null,
                System.getenv("KUBERNETES_SERVICE_HOST") != null, explicitUrl());
        Optional<String> problem = ApiServerCheck.problem(sources, config.getMasterUrl(), () -> probe(config));
        if (problem.isPresent()) {
            LOG.error(problem.get());
            Quarkus.asyncExit(1);
            return;
        }
        operator.start();
        started = true;
    }

    void onStop(@Observes ShutdownEvent event, Operator operator) {
        if (started) {
            operator.stop();
        }
    }

    private static Optional<String> explicitUrl() {
        Optional<String> url = ConfigProvider.getConfig().getOptionalValue("quarkus.kubernetes-client.api-server-url",
                String.class);
        if (url.isPresent()) {
            return url;
        }
        return Optional.ofNullable(System.getProperty(Config.KUBERNETES_MASTER_SYSTEM_PROPERTY))
                .or(() -> Optional.ofNullable(System.getenv("KUBERNETES_MASTER")));
    }

    /** GET /version with short timeouts and no retries; the status of any answer. */
    private static int probe(Config config) {
        Config quick = new ConfigBuilder(config).withConnectionTimeout(PROBE_TIMEOUT_MS)
                .withRequestTimeout(PROBE_TIMEOUT_MS).withRequestRetryBackoffLimit(0).build();
        try (KubernetesClient probe = new KubernetesClientBuilder().withConfig(quick).build()) {
            probe.getKubernetesVersion();
            return 200;
        } catch (KubernetesClientException e) {
            if (e.getCode() > 0) {
                return e.getCode();
            }
            throw e;
        }
    }
}
