package io.ganeshaha.agent.entrypoints;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EntryPointInstallerTest {

    static final Path SOURCES = Path.of("../src/main/ocf");

    @Test
    void installsEveryEntryPointExecutableAndIdenticalToTheSources(@TempDir Path host) throws Exception {
        Path provider = host.resolve("usr/lib/ocf/resource.d/ganesha-ha");
        EntryPointInstaller.Result result = new EntryPointInstaller(provider).install();
        assertThat(result.installed()).containsExactlyElementsOf(EntryPointInstaller.FILES);
        try (Stream<Path> sources = Files.list(SOURCES)) {
            assertThat(sources.map(p -> p.getFileName().toString()))
                    .as("every file in src/main/ocf is installed").containsExactlyInAnyOrderElementsOf(EntryPointInstaller.FILES);
        }
        for (String name : EntryPointInstaller.FILES) {
            assertThat(provider.resolve(name)).hasSameBinaryContentAs(SOURCES.resolve(name));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(provider.resolve(name))))
                    .isEqualTo("rwxr-xr-x");
        }
        try (Stream<Path> left = Files.list(provider)) {
            assertThat(left).as("no staging file left behind").hasSize(EntryPointInstaller.FILES.size());
        }
    }

    @Test
    void leavesIdenticalFilesAloneAndReplacesAChangedOne(@TempDir Path provider) throws Exception {
        new EntryPointInstaller(provider).install();
        Files.writeString(provider.resolve("ganesha_mon"), "#!/bin/sh\nexit 7\n");
        EntryPointInstaller.Result again = new EntryPointInstaller(provider).install();
        assertThat(again.installed()).containsExactly("ganesha_mon");
        assertThat(again.unchanged()).hasSize(EntryPointInstaller.FILES.size() - 1);
        assertThat(provider.resolve("ganesha_mon")).hasSameBinaryContentAs(SOURCES.resolve("ganesha_mon"));
    }

    @Test
    void aProviderPathThatIsAFileIsAnErrorNamingIt(@TempDir Path host) throws Exception {
        Path notADir = Files.writeString(host.resolve("ganesha-ha"), "");
        assertThatThrownBy(() -> new EntryPointInstaller(notADir).install()).hasMessageContaining("ganesha-ha");
    }
}
