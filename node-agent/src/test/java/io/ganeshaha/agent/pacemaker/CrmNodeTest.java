package io.ganeshaha.agent.pacemaker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CrmNodeTest {

    @Test
    void parsesCrmNodeListOutput() {
        // crm_node -l prints "ID NAME STATE"
        assertThat(CrmNode.parseNodeList("1 nfs-1.lab.example member\n2 nfs-2.lab.example lost\n\n"))
                .containsExactly("nfs-1.lab.example", "nfs-2.lab.example");
    }
}
