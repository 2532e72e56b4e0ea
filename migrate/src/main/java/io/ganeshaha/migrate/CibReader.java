package io.ganeshaha.migrate;

import java.util.List;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** Reads a whole CIB ({@code cibadmin --query}) into a {@link CibLayout} for the given members. */
final class CibReader {

    private CibReader() {}

    static CibLayout read(Document cib, List<String> members) {
        CibLayout layout = new CibLayout(members);
        Element configuration = Dom.child(cib.getDocumentElement(), "configuration").orElseThrow();
        PropertiesReader properties = new PropertiesReader(layout, members);
        Dom.child(configuration, "crm_config").ifPresent(properties::readProperties);
        Dom.child(configuration, "nodes").ifPresent(properties::readNodes);
        Dom.child(configuration, "rsc_defaults").ifPresent(properties::readDefaults);
        Dom.child(configuration, "op_defaults").ifPresent(properties::readDefaults);
        Dom.child(configuration, "resources").ifPresent(new ResourcesReader(layout)::read);
        Dom.child(configuration, "constraints").ifPresent(new ConstraintsReader(layout)::read);
        return layout;
    }
}
