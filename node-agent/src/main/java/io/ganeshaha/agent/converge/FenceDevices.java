package io.ganeshaha.agent.converge;

import io.ganeshaha.agent.pacemaker.CibXml;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The administrator's fence devices survive the convergence of the resources section. The
 * GaneshaCluster owns the resources and constraints sections whole (a hand edit is rewritten), but
 * Pacemaker keeps fence devices there too ({@code <primitive class="stonith">}), with the
 * constraints that place them: those are the administrator's, like {@code stonith-enabled} and
 * the fencing-topology section (which the convergence never touches). A node lost whole holds
 * its nfsd's locks until it is fenced, so dropping them would leave the cluster unable to recover.
 */
public final class FenceDevices {

    private FenceDevices() {}

    /** The two sections to write, and the fence devices kept in them. */
    public record Sections(String resources, String constraints, Set<String> kept) {}

    /**
     * {@code desired} (the rendering) with the fence devices of the CIB's current sections added
     * back: each top-level stonith primitive the rendering does not name, and each top-level
     * constraint that concerns them alone (every resource it names is one).
     */
    public static Sections keep(String currentResources, String currentConstraints, String desiredResources,
            String desiredConstraints) throws IOException {
        Document resources = CibXml.read(desiredResources);
        Set<String> rendered = childIds(resources.getDocumentElement());
        Set<String> kept = new LinkedHashSet<>();
        List<Element> devices = new ArrayList<>();
        for (Element e : children(CibXml.read(currentResources).getDocumentElement())) {
            if (e.getTagName().equals("primitive") && "stonith".equals(e.getAttribute("class"))
                    && !rendered.contains(e.getAttribute("id"))) {
                kept.add(e.getAttribute("id"));
                devices.add(e);
            }
        }
        if (kept.isEmpty()) {
            return new Sections(desiredResources, desiredConstraints, kept);
        }
        devices.forEach(d -> resources.getDocumentElement().appendChild(resources.importNode(d, true)));
        Document constraints = CibXml.read(desiredConstraints);
        Set<String> renderedConstraints = childIds(constraints.getDocumentElement());
        for (Element e : children(CibXml.read(currentConstraints).getDocumentElement())) {
            if (placesOnly(e, kept) && !renderedConstraints.contains(e.getAttribute("id"))) {
                constraints.getDocumentElement().appendChild(constraints.importNode(e, true));
            }
        }
        return new Sections(CibXml.write(resources), CibXml.write(constraints), kept);
    }

    /**
     * Whether {@code constraint} concerns kept devices alone: every resource it names (by
     * {@code rsc}, {@code with-rsc}, {@code first}, {@code then}, or in its sets,
     * {@code <resource_set><resource_ref id=.../>}) is one. A constraint that also names a
     * resource the GaneshaCluster renders is the rendering's to decide.
     */
    private static boolean placesOnly(Element constraint, Set<String> kept) {
        List<String> referenced = new ArrayList<>();
        for (String attribute : List.of("rsc", "with-rsc", "first", "then")) {
            if (constraint.hasAttribute(attribute)) {
                referenced.add(constraint.getAttribute(attribute));
            }
        }
        for (Element set : children(constraint)) {
            if (set.getTagName().equals("resource_set")) {
                children(set).stream().filter(r -> r.getTagName().equals("resource_ref"))
                        .forEach(r -> referenced.add(r.getAttribute("id")));
            }
        }
        return !referenced.isEmpty() && kept.containsAll(referenced);
    }

    private static Set<String> childIds(Element parent) {
        Set<String> ids = new LinkedHashSet<>();
        children(parent).forEach(e -> ids.add(e.getAttribute("id")));
        return ids;
    }

    private static List<Element> children(Element parent) {
        List<Element> elements = new ArrayList<>();
        for (Node child = parent.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element e) {
                elements.add(e);
            }
        }
        return elements;
    }
}
