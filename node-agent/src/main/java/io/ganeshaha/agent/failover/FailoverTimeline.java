package io.ganeshaha.agent.failover;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * What this node did the last time its nfsd left or came back, for logs, metrics and the
 * Kubernetes status: when it was noticed, when grace-active changed, which survivors acknowledged
 * (and which did not before grace_delay ran out), when ganesha-active changed.
 */
public record FailoverTimeline(String direction, String epoch, Instant detected, Instant graceAttributeChanged,
        Set<String> survivors, Set<String> acknowledged, Optional<Instant> acksComplete,
        Optional<Instant> ganeshaAttributeChanged) {}
