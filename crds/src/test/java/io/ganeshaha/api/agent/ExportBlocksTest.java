package io.ganeshaha.api.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ganeshaha.api.v1alpha1.ExportAccess;
import io.ganeshaha.api.v1alpha1.ExportClientSpecBuilder;
import io.ganeshaha.api.v1alpha1.ExportSpec;
import io.ganeshaha.api.v1alpha1.ExportSpecBuilder;
import io.ganeshaha.api.v1alpha1.ExportSquash;
import io.ganeshaha.api.v1alpha1.FsalOption;
import io.ganeshaha.api.v1alpha1.FsalSpecBuilder;
import io.ganeshaha.api.v1alpha1.NfsProtocol;
import io.ganeshaha.api.v1alpha1.NfsTransport;
import io.ganeshaha.api.v1alpha1.SecurityFlavor;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExportBlocksTest {

    static ExportSpec export(int id, String path, String pseudo) {
        return new ExportSpecBuilder().withExportId(id).withPath(path).withPseudo(pseudo).build();
    }

    @Test
    void anExportWithTheDefaultsIsARwRootSquashedNfsv4ExportOnVfs() {
        assertThat(ExportBlocks.render(export(2, "/srv/nfs/a", "/a"))).isEqualTo("""
                EXPORT {
                    Export_Id = 2;
                    Path = "/srv/nfs/a";
                    Pseudo = "/a";
                    Access_Type = RW;
                    Squash = Root_Squash;
                    Protocols = 4;
                    Transports = TCP;
                    SecType = sys;
                    FSAL {
                        Name = VFS;
                    }
                }
                """);
    }

    @Test
    void everyFieldHasItsGaneshaName() {
        ExportSpec e = export(7, "/srv/b", "/b");
        e.setAccessType(ExportAccess.RO);
        e.setSquash(ExportSquash.NoRootSquash);
        e.setProtocols(List.of(NfsProtocol.NFSv3, NfsProtocol.NFSv4));
        e.setTransports(List.of(NfsTransport.TCP, NfsTransport.UDP));
        e.setSecurityFlavors(List.of(SecurityFlavor.krb5p, SecurityFlavor.sys));
        e.setFsal(new FsalSpecBuilder().withName("CEPH").withOptions(new FsalOption("User_Id", "ganesha"), new FsalOption("Filesystem", "fs a")).build());
        e.setClients(List.of(
                new ExportClientSpecBuilder().withClients("192.0.2.0/24", "*.example.com").withAccessType(ExportAccess.RW)
                        .build(),
                new ExportClientSpecBuilder().withClients("@guests").withSquash(ExportSquash.AllSquash).build()));
        assertThat(ExportBlocks.render(e)).isEqualTo("""
                EXPORT {
                    Export_Id = 7;
                    Path = "/srv/b";
                    Pseudo = "/b";
                    Access_Type = RO;
                    Squash = No_Root_Squash;
                    Protocols = 3, 4;
                    Transports = TCP, UDP;
                    SecType = krb5p, sys;
                    FSAL {
                        Name = CEPH;
                        Filesystem = "fs a";
                        User_Id = ganesha;
                    }
                    CLIENT {
                        Clients = 192.0.2.0/24, *.example.com;
                        Access_Type = RW;
                        Squash = No_Root_Squash;
                    }
                    CLIENT {
                        Clients = @guests;
                        Access_Type = RO;
                        Squash = All_Squash;
                    }
                }
                """);
    }

    @Test
    void whatGaneshasSyntaxCannotCarryIsRefusedNamingTheExportAndField() {
        assertThatThrownBy(() -> ExportBlocks.render(export(3, "/srv/\"x", "/x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("export 3: path holds a double quote, a backslash or a control character");
        assertThatThrownBy(() -> ExportBlocks.render(export(3, "srv/x", "/x")))
                .hasMessage("export 3: path \"srv/x\" is not absolute");
        assertThatThrownBy(() -> ExportBlocks.render(export(3, "/srv/x", null)))
                .hasMessage("export 3: pseudo is required");
        assertThatThrownBy(() -> ExportBlocks.render(export(0, "/srv/x", "/x")))
                .hasMessage("export 0: exportId must be 1..65535");
        ExportSpec client = export(4, "/srv/y", "/y");
        client.setClients(List.of(new ExportClientSpecBuilder().withClients("a; b").build()));
        assertThatThrownBy(() -> ExportBlocks.render(client)).hasMessageStartingWith("export 4: \"a; b\" is not a client");
        ExportSpec option = export(5, "/srv/z", "/z");
        option.setFsal(new FsalSpecBuilder().withOptions(new FsalOption("Secret", "a\nb")).build());
        assertThatThrownBy(() -> ExportBlocks.render(option))
                .hasMessage("export 5: fsal.options.Secret holds a double quote, a backslash or a control character");
    }

    @Test
    void theJsonTheOperatorWritesIsReadBackAsTheSameBlocksOrderedById() {
        ExportSpec b = export(9, "/srv/b", "/b");
        b.setClients(List.of(new ExportClientSpecBuilder().withClients("192.0.2.7").withAccessType(ExportAccess.RO).build()));
        List<ExportSpec> read = ExportBlocks.fromJson(ExportBlocks.toJson(List.of(b, export(2, "/srv/a", "/a"))));
        assertThat(read).extracting(ExportSpec::getExportId).containsExactly(2, 9);
        assertThat(ExportBlocks.render(read.get(1))).isEqualTo(ExportBlocks.render(b));
        assertThatThrownBy(() -> ExportBlocks.fromJson("{\"exportId\": 1}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not a list of exports");
    }

    @Test
    void fsalSettingsAreQuotedUnlessAWholeNumberOrAWordAndNamedOnceWhateverTheirCase() {
        ExportSpec e = export(8, "/srv/g", "/g");
        e.setFsal(new FsalSpecBuilder().withName("GLUSTER").withOptions(new FsalOption("Hostname", "10.0.0.5"),
                new FsalOption("Volume", "gv0"), new FsalOption("Up_Poll_Usec", "10"), new FsalOption("Transport", ""),
                new FsalOption("Glfs_Log", "/var/log/ganesha/gfapi.log")).build());
        assertThat(ExportBlocks.render(e)).contains("""
                    FSAL {
                        Name = GLUSTER;
                        Glfs_Log = "/var/log/ganesha/gfapi.log";
                        Hostname = "10.0.0.5";
                        Transport = "";
                        Up_Poll_Usec = 10;
                        Volume = gv0;
                    }
                """);
        e.setFsal(new FsalSpecBuilder().withOptions(new FsalOption("User_Id", "a"), new FsalOption("user_id", "b")).build());
        assertThatThrownBy(() -> ExportBlocks.render(e)).hasMessage("export 8: fsal.options gives user_id twice");
    }
}
