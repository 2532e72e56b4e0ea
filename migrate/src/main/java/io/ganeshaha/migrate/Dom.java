package io.ganeshaha.migrate;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/** The few DOM walks the CIB readers need, on the JDK's parser. */
final class Dom {

    private Dom() {}

    /** Parses a CIB as cibadmin --query prints it; {@code origin} names it in the error. */
    static Document parseCib(String xml, String origin) throws BadInput {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            var builder = factory.newDocumentBuilder();
            builder.setErrorHandler(null);
            Document doc = builder.parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
            Element root = doc.getDocumentElement();
            if (!"cib".equals(root.getTagName()) || child(root, "configuration").isEmpty()) {
                throw new BadInput(origin + " is not a CIB: expected <cib><configuration>, as cibadmin --query prints it,"
                        + " found <" + root.getTagName() + ">");
            }
            return doc;
        } catch (SAXException e) {
            throw new BadInput(origin + " is not well-formed XML: " + e.getMessage(), e);
        } catch (ParserConfigurationException | java.io.IOException e) {
            throw new IllegalStateException("the JDK's XML parser cannot be used", e);
        }
    }

    static List<Element> children(Element parent) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                out.add(e);
            }
        }
        return out;
    }

    static List<Element> children(Element parent, String tag) {
        return children(parent).stream().filter(e -> e.getTagName().equals(tag)).toList();
    }

    static Optional<Element> child(Element parent, String tag) {
        return children(parent, tag).stream().findFirst();
    }

    /** The nvpairs of every {@code setTag} child of {@code element}, by name in document order. */
    static Map<String, String> nvpairs(Element element, String setTag) {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (Element set : children(element, setTag)) {
            for (Element nv : children(set, "nvpair")) {
                pairs.put(nv.getAttribute("name"), nv.getAttribute("value"));
            }
        }
        return pairs;
    }

    static String describe(Map<String, String> pairs) {
        StringBuilder out = new StringBuilder();
        pairs.forEach((k, v) -> out.append(out.isEmpty() ? "" : " ").append(k).append('=').append(v));
        return out.toString();
    }
}
