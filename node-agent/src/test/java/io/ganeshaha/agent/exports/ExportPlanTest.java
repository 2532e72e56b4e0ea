package io.ganeshaha.agent.exports;

import static org.assertj.core.api.Assertions.assertThat;

import io.ganeshaha.agent.exports.ExportPlan.Kind;
import io.ganeshaha.agent.exports.ExportPlan.Step;
import io.ganeshaha.api.v1alpha1.ExportAccess;
import io.ganeshaha.api.v1alpha1.ExportSpec;
import io.ganeshaha.api.v1alpha1.ExportSpecBuilder;
import io.ganeshaha.api.v1alpha1.FsalSpecBuilder;
import io.ganeshaha.api.v1alpha1.NfsProtocol;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExportPlanTest {

    static ExportSpec export(int id, String path, String pseudo) {
        return new ExportSpecBuilder().withExportId(id).withPath(path).withPseudo(pseudo).build();
    }

    static List<String> kinds(List<Step> steps) {
        return steps.stream().map(s -> s.kind() + " " + s.id()).toList();
    }

    @Test
    void whatUpdateExportCanChangeIsAnUpdateAndWhatItCannotIsAReplacement() {
        ExportSpec access = export(1, "/srv/a", "/a");
        access.setAccessType(ExportAccess.RO);
        ExportSpec protocols = export(2, "/srv/b", "/b");
        protocols.setProtocols(List.of(NfsProtocol.NFSv3, NfsProtocol.NFSv4));
        ExportSpec fsal = export(3, "/srv/c", "/c");
        fsal.setFsal(new FsalSpecBuilder().withName("VFS").withOptions(new io.ganeshaha.api.v1alpha1.FsalOption("fsid_type",
                "None")).build());
        ExportSpec pseudo = export(4, "/srv/d", "/d-moved");
        ExportSpec path = export(5, "/srv/e-moved", "/e");

        List<Step> steps = ExportPlan.plan(
                Map.of(1, access, 2, protocols, 3, fsal, 4, pseudo, 5, path),
                Map.of(1, export(1, "/srv/a", "/a"), 2, export(2, "/srv/b", "/b"), 3, export(3, "/srv/c", "/c"),
                        4, export(4, "/srv/d", "/d"), 5, export(5, "/srv/e", "/e")),
                Set.of());

        assertThat(kinds(steps)).containsExactly("REPLACE 3", "REPLACE 4", "REPLACE 5", "UPDATE 1", "UPDATE 2");
    }

    @Test
    void anIdFromAnotherConfigurationIsNeitherAddedNorRemoved() {
        List<Step> steps = ExportPlan.plan(Map.of(7, export(7, "/srv/x", "/x")), Map.of(), Set.of(7, 8));
        assertThat(steps).isEmpty();
    }

    @Test
    void equalExportsNeedNoStep() {
        assertThat(ExportPlan.plan(Map.of(1, export(1, "/srv/a", "/a")), Map.of(1, export(1, "/srv/a", "/a")), Set.of()))
                .isEmpty();
        assertThat(kinds(ExportPlan.plan(Map.of(), Map.of(1, export(1, "/srv/a", "/a")), Set.of())))
                .containsExactly(Kind.REMOVE + " 1");
    }
}
