package io.ganeshaha.agent.ganeshaconf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerScopeTest {

    @TempDir
    Path dir;

    Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void theScopeOfTheNfsv4Block() throws IOException {
        Path conf = write("ganesha.conf", """
                NFS_CORE_PARAM { Protocols = 4; }
                # Server_Scope = "commented";
                nfsv4 {
                    Grace_Period = 20;
                    Server_Scope = "nfs-cluster";  # one for every node
                }
                EXPORT { Export_Id = 1; Path = "/x#y"; FSAL { Name = MEM; } }
                """);
        assertThat(ServerScope.of(conf)).isEqualTo("nfs-cluster");
    }

    @Test
    void theLastNfsv4BlockWinsWholeIncludesCountingWhereTheyStand() throws IOException {
        write("site.conf", "NFSV4 { Server_Scope = site-scope; }\n");
        Path conf = write("ganesha.conf", """
                NFSV4 { Server_Scope = "first"; }
                %include "site.conf"
                """);
        assertThat(ServerScope.of(conf)).isEqualTo("site-scope");

        Path later = write("later.conf", """
                %include "site.conf"
                NFSV4 { Lease_Lifetime = 10; }
                """);
        assertThat(ServerScope.of(later)).as("the last block sets none: ganesha's default").isEqualTo(ServerScope.NONE);
    }

    @Test
    void noNfsv4BlockIsNoScopeAndAnUnreadableFileIsUnknown() throws IOException {
        assertThat(ServerScope.of(write("ganesha.conf", "EXPORT { Export_Id = 1; }\n"))).isEqualTo(ServerScope.NONE);
        assertThat(ServerScope.read(dir.resolve("missing.conf"))).isEmpty();
    }

    @Test
    void graceAndLeaseOfTheLastNfsv4BlockWithGaneshasDefaultsForWhatItLeavesOut() throws IOException {
        Path conf = write("ganesha.conf", """
                NFSV4 { Grace_Period = 20; Lease_Lifetime = 15; Server_Scope = site; }
                nfsv4 {
                    # Grace_Period = 30;
                    lease_lifetime = 25;
                }
                """);
        assertThat(Nfsv4Settings.of(conf)).isEqualTo(new Nfsv4Settings(ServerScope.NONE, 90, 25));
        assertThat(Nfsv4Settings.of(write("other.conf", "EXPORT { Export_Id = 1; }\n"))).isEqualTo(Nfsv4Settings.DEFAULTS);
    }
}
