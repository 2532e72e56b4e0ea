package io.ganeshaha.agent.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.ganeshaha.agent.failover.LocalAttributes;
import io.ganeshaha.agent.pacemaker.LocalNode;
import io.ganeshaha.agent.testing.InMemoryAttrd;
import io.ganeshaha.agent.testing.Journal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerEpochTest {

    @Test
    void theEpochIsMinusEWhenGivenElseTheSecondNfsdStarted() {
        assertThat(ServerEpoch.of(List.of("ganesha.nfsd", "-F", "-E", "13863600081", "-p", "/run/g.pid"), 500, 1_700_000_000))
                .isEqualTo(new ServerEpoch(13863600081L, true));
        assertThat(ServerEpoch.of(List.of("/usr/bin/ganesha.nfsd", "-E42"), 500, 1_700_000_000))
                .isEqualTo(new ServerEpoch(42, true));
        assertThat(ServerEpoch.of(List.of("/usr/bin/ganesha.nfsd", "-F", "-L", "/var/log/ganesha.log"), 12_345, 1_700_000_000))
                .as("boot time plus 123.45 s, to the second").isEqualTo(new ServerEpoch(1_700_000_123, false));
        assertThat(ServerEpoch.of(List.of("ganesha.nfsd", "-E", "soon"), 100, 1_000)).as("not a number: the start time")
                .isEqualTo(new ServerEpoch(1_001, false));
    }

    @Test
    void publishedValuesReadBack() {
        assertThat(new ServerEpoch(42, true).attributeValue()).isEqualTo("42");
        assertThat(new ServerEpoch(42, false).attributeValue()).isEqualTo("~42");
        assertThat(ServerEpoch.parse("~42")).contains(new ServerEpoch(42, false));
        assertThat(ServerEpoch.parse("42")).contains(new ServerEpoch(42, true));
        assertThat(ServerEpoch.parse("")).isEmpty();
        assertThat(ServerEpoch.parse("x")).isEmpty();
    }

    @Test
    void exactEpochsCollideWhenEqualDerivedOnesWithinASecond() {
        Map<String, String> published = Map.of("n1", "1000", "n2", "1000", "n3", "1001", "n4", "~1001", "n5", "~1003");
        assertThat(ServerEpoch.collisions("n1", new ServerEpoch(1000, true), published).keySet())
                .as("never with itself; n3 differs exactly; n4 was started within a second").containsExactly("n2", "n4");
        assertThat(ServerEpoch.collisions("n5", new ServerEpoch(1003, false), published)).isEmpty();
    }

    /** Published once per nfsd process, read from /proc; a peer with the same epoch is reported. */
    @Test
    void theCheckPublishesThisNfsdsEpochAndNamesAPeerWithTheSame(@TempDir Path proc) throws IOException {
        Files.writeString(proc.resolve("stat"), "cpu  1 2 3\nbtime 1700000000\nprocesses 9\n");
        Files.createDirectories(proc.resolve("4242"));
        Files.write(proc.resolve("4242/cmdline"), String.join("\u0000", "ganesha.nfsd", "-F", "-E", "777", "").getBytes());
        InMemoryAttrd attrd = new InMemoryAttrd(new Journal());
        LocalAttributes local = new LocalAttributes(attrd.node("n1"), LocalNode.named("n1"));
        ServerEpochCheck check = new ServerEpochCheck(() -> Optional.of(new NfsdProcess(4242, 500)), proc, local,
                attrd.node("n1"));

        check.run();
        assertThat(attrd.value("n1", ServerEpoch.ATTRIBUTE)).contains("777");
        assertThat(check.describe()).isEqualTo("777");
        assertThat(check.collisionCount()).isZero();

        attrd.put("n2", ServerEpoch.ATTRIBUTE, "777");
        attrd.put("n3", ServerEpoch.ATTRIBUTE, "778");
        check.run();
        assertThat(check.collisionCount()).isEqualTo(1);
        assertThat(check.describe()).isEqualTo("777 (may collide with [n2])");

        attrd.put("n2", ServerEpoch.ATTRIBUTE, "779");
        check.run();
        assertThat(check.collisionCount()).as("n2 restarted with an epoch of its own").isZero();
    }
}
