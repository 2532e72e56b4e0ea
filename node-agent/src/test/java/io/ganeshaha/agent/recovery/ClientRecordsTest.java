package io.ganeshaha.agent.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientRecordsTest {

    @Test
    void aPrintableOwnerIsReadAsWritten() {
        assertThat(ClientRecords.parse("198.18.0.200-(23:Linux NFSv4.1 client-one)"))
                .contains(new ClientRecords.Record("198.18.0.200", "Linux NFSv4.1 client-one"));
    }

    @Test
    void anOwnerWithASlashWasWrittenInHexAndIsDecoded() {
        String owner = "Linux NFSv4.0 198.18.0.200/198.18.0.102 tcp";
        String hex = "0x" + HexFormat.of().formatHex(owner.getBytes(StandardCharsets.US_ASCII));
        assertThat(ClientRecords.parse("198.18.0.200-(" + hex.length() + ":" + hex + ")"))
                .contains(new ClientRecords.Record("198.18.0.200", owner));
    }

    @Test
    void aPrintableOwnerThatLooksLikeHexStaysAsWritten() {
        // "0x4142" decodes to "AB", printable and without '/': ganesha would have written "AB" itself.
        assertThat(ClientRecords.parse("10.0.0.1-(6:0x4142)")).contains(new ClientRecords.Record("10.0.0.1", "0x4142"));
    }

    @Test
    void anOwnerMayHoldParenthesesAndDashes() {
        assertThat(ClientRecords.parse("fd00::5-(12:a-(b):c) d)"))
                .contains(new ClientRecords.Record("fd00::5", "a-(b):c) d"));
    }

    @Test
    void otherNamesAreNoRecords() {
        assertThat(ClientRecords.parse("node0")).isEmpty();
        assertThat(ClientRecords.parse("198.18.0.200")).isEmpty();
        assertThat(ClientRecords.parse("198.18.0.200-(x:owner)")).isEmpty();
    }

    @Test
    void readsEveryRecordOfADirectoryIncludingOnesSplitOverLevels(@TempDir Path v4recov) throws Exception {
        Files.createDirectories(v4recov.resolve("198.18.0.200-(23:Linux NFSv4.1 client-one)"));
        // revoked delegation handles are files inside a record, not records
        Files.createFile(v4recov.resolve("198.18.0.200-(23:Linux NFSv4.1 client-one)").resolve("\u0001aGFuZGxl"));
        String longOwner = "x".repeat(300);
        String tag = "198.18.0.201-(300:" + longOwner + ")";
        Files.createDirectories(v4recov.resolve(tag.substring(0, 255)).resolve(tag.substring(255)));
        assertThat(ClientRecords.read(v4recov)).containsExactly(
                new ClientRecords.Record("198.18.0.200", "Linux NFSv4.1 client-one"),
                new ClientRecords.Record("198.18.0.201", longOwner));
    }

    @Test
    void aMissingDirectoryHoldsNoRecords(@TempDir Path dir) throws Exception {
        assertThat(ClientRecords.read(dir.resolve("absent"))).isEmpty();
    }
}
