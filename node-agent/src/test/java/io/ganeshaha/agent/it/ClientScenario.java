package io.ganeshaha.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ganeshaha.agent.testing.ClientWorkloads;
import io.ganeshaha.agent.testing.Failover;
import io.ganeshaha.agent.testing.LabClient;
import io.ganeshaha.agent.testing.ThreeNodeLab;
import java.time.Duration;
import java.util.List;

/**
 * One failover of N2 and its fail-back, judged by two real clients (ClientFailoverIT,
 * Nfsv3ClientIT): the writer, mounted through N2's VIP, holds an fcntl lock on a file of the
 * shared export and appends checksummed records to it; the locker, mounted through N3's VIP,
 * tries to take the same lock every half second.
 */
final class ClientScenario {

    static final String N2 = ThreeNodeLab.NODES.get(1);
    static final String N3 = ThreeNodeLab.NODES.get(2);
    static final Duration RESUME = Duration.ofSeconds(60);

    private final ThreeNodeLab lab;
    private final LabClient writer;
    private final LabClient locker;
    private ClientWorkloads workloads;

    ClientScenario(ThreeNodeLab lab, LabClient writer, LabClient locker) {
        this.lab = lab;
        this.writer = writer;
        this.locker = locker;
    }

    /** Stops the workloads of the last run, if one started. */
    void stop() {
        if (workloads != null) {
            workloads.stop();
        }
    }

    /**
     * A failover and its fail-back as the clients live them: {@code fault} is injected on N2, then
     * {@code recovery} brings its nfsd back (or nothing, when the agent and the supervisor do).
     *
     * @param lockWindowAllowed whether the fault frees the writer's lock on the shared file at once
     *     (kill -9), so the locker may get it until the survivors are in grace
     * @param vipToASurvivor whether N2's VIP must be seen on a survivor: not after a hang, where
     *     the supervisor starts a fresh nfsd within seconds and the VIP goes straight home when the
     *     node is back before the taker's addresses are up
     * @param lockHeldOutOfGrace whether to show, after the failover and again after the fail-back,
     *     that the writer's lock is held where it moved: once no node is in grace, the locker is
     *     refused three more times (during grace every server refuses a new lock anyway)
     */
    void failoverAndBack(String scenario, String version, Runnable fault, Runnable recovery, boolean lockWindowAllowed,
            boolean vipToASurvivor, boolean lockHeldOutOfGrace) throws Exception {
        lab.awaitHealthy(Duration.ofSeconds(90));
        lab.awaitNoneInGrace(Duration.ofSeconds(60));
        workloads = ClientWorkloads.start(lab.lab, writer, lab.homeVip.get(N2), locker, lab.homeVip.get(N3), scenario,
                version);
        // The writer's times are its guest's: how far that clock is from this one, before and after.
        ClientWorkloads.ClockOffset clockBefore = workloads.writerClock();

        long faultNs = System.currentTimeMillis() * 1_000_000;
        Failover.Result failover = lab.failover.inject(N2, fault, Duration.ofSeconds(vipToASurvivor ? 60 : 30));
        failover = lab.failover.sampleGraceUntilAllSeen(failover, Duration.ofSeconds(5));
        if (vipToASurvivor) {
            assertThat(failover.vipElsewhereMs()).as("N2's VIP on a survivor").isPresent();
        }
        workloads.awaitWritesAfter(faultNs + failover.vipElsewhereMs().orElse(0L) * 1_000_000, RESUME, "the failover");
        ClientWorkloads.Outage atFailover = ClientWorkloads.outage(workloads.oks(), faultNs - 1_000_000_000L);
        // A client new to the taker, arriving while it is in grace for the moved clients.
        Duration firstLock = failover.vipTakenBy().map(taker -> workloads.firstLockWait(lab.homeVip.get(taker), version))
                .orElse(Duration.ZERO);

        if (lockHeldOutOfGrace) {
            lab.awaitNoneInGrace(Duration.ofSeconds(120));
            workloads.awaitRefusalsAfter(System.currentTimeMillis() * 1_000_000, 3, Duration.ofSeconds(60),
                    "out of grace after the failover");
        }

        long backNs = System.currentTimeMillis() * 1_000_000;
        Failover.FailBack back = lab.failover.failBack(N2, recovery, Duration.ofSeconds(90));
        assertThat(back.vipHomeMs()).as("N2's VIP home").isPresent();
        long homeNs = backNs + back.vipHomeMs().get() * 1_000_000;
        workloads.awaitWritesAfter(homeNs, RESUME, "the fail-back");
        long[] oks = workloads.oks();
        ClientWorkloads.Outage atFailBack = ClientWorkloads.outage(oks, homeNs - 1_000_000_000L);

        if (lockHeldOutOfGrace) {
            lab.awaitNoneInGrace(Duration.ofSeconds(120));
            workloads.awaitRefusalsAfter(System.currentTimeMillis() * 1_000_000, 3, Duration.ofSeconds(60),
                    "out of grace after the fail-back");
        }
        Duration lockWait = workloads.longestLockWait(faultNs, System.currentTimeMillis() * 1_000_000);
        List<long[]> got = workloads.lockerGot();
        long allInGraceNs = faultNs + failover.allInGraceMs().orElse(Long.MAX_VALUE / 2_000_000) * 1_000_000;
        System.out.printf("%s: the writer's guest clock against the test's: %s before, %s after; N2's VIP not yet"
                + " on its taker at %s ms; the locker's refusals its kernel reported as EIO: %d%n", scenario,
                clockBefore, workloads.writerClock(), failover.vipNotYetMs().map(Object::toString)
                        .orElse("(never sampled)"), workloads.refusalsAsEio());
        System.out.printf("%s (NFSv%s): writer stalled %d ms at failover, wrote again %d ms after the fault (VIP on %s"
                + " after %d ms, survivors in grace %s ms); stalled %d ms at fail-back (VIP home after %d ms, on no"
                + " node %d ms); the locker got the lock %d time(s)%s; %d records acknowledged%n", scenario, version,
                atFailover.stallMs(), (atFailover.resumedAtNs() - faultNs) / 1_000_000, failover.vipTakenBy()
                        .orElse("none"), failover.vipElsewhereMs().orElse(-1L), failover.survivorInGraceMs(),
                atFailBack.stallMs(), back.vipHomeMs().get(), back.vipOnNoNodeMs(), got.size(), got.isEmpty() ? ""
                        : ", the last try begun " + (got.get(got.size() - 1)[0] - faultNs) / 1_000_000
                                + " ms after the fault", oks.length);
        System.out.printf("%s: a survivor's client waited up to %d ms for an answer to a lock try (failover and"
                + " fail-back); a client new to the taker waited %d ms for its first lock (mount, create, lock, write,"
                + " fsync)%n", scenario, lockWait.toMillis(), firstLock.toMillis());

        assertThat(workloads.clientErrors()).as("no I/O error reached an application").isEmpty();
        assertThat(workloads.kernelLostALock()).as("the writer's kernel lost no lock").isFalse();
        // With kill -9 a try begun after every survivor was seen in grace reached a server in
        // grace, which must refuse it: the window is the detection latency only. Otherwise none.
        assertThat(workloads.lockerGotAfter(lockWindowAllowed ? allInGraceNs : Long.MIN_VALUE))
                .as(lockWindowAllowed ? "the locker got the lock after the survivors were in grace"
                        : "the locker never gets the writer's lock").isEmpty();
        assertThat(workloads.lockerGotAfter(backNs)).as("the locker never gets the lock at fail-back").isEmpty();
        assertThat(workloads.lostOrDamagedRecords()).as("acknowledged records lost or damaged").isEmpty();
    }

}
