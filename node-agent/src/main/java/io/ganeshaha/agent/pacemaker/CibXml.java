package io.ganeshaha.agent.pacemaker;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * CIB XML read the one way the agent reads it (no DTD, secure processing), and sections compared
 * as XML, not as text: indentation and attribute order do not count.
 */
public final class CibXml {

    private CibXml() {}

    /** A parser for CIB text: no DOCTYPE, secure processing. */
    static DocumentBuilder builder() throws ParserConfigurationException {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        DocumentBuilder builder = factory.newDocumentBuilder();
        // A parse error becomes the exception the caller reports, not a line on stderr.
        builder.setErrorHandler(new org.xml.sax.helpers.DefaultHandler());
        return builder;
    }

    /** {@code xml} read as it is, for looking things up in it. */
    public static Document read(String xml) throws IOException {
        try {
            return builder().parse(new InputSource(new StringReader(xml)));
        } catch (ParserConfigurationException | SAXException e) {
            throw new IOException("not well-formed XML: " + e.getMessage(), e);
        }
    }

    /** {@code doc} as CIB text, without an XML declaration (what cibadmin takes). */
    public static String write(Document doc) throws IOException {
        try {
            StringWriter out = new StringWriter();
            Transformer transformer = TransformerFactory.newInstance().newTransformer();
            transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
            transformer.transform(new DOMSource(doc), new StreamResult(out));
            return out.toString();
        } catch (TransformerException e) {
            throw new IOException("cannot write the CIB text: " + e.getMessage(), e);
        }
    }

    public static boolean sameContent(String a, String b) throws IOException {
        return parse(a).getDocumentElement().isEqualNode(parse(b).getDocumentElement());
    }

    /** {@code xml} without blank text and comments, for comparing. */
    static Document parse(String xml) throws IOException {
        Document doc = read(xml);
        stripWhitespace(doc.getDocumentElement());
        doc.normalizeDocument();
        return doc;
    }

    private static void stripWhitespace(Node node) {
        NodeList children = node.getChildNodes();
        for (int i = children.getLength() - 1; i >= 0; i--) {
            Node child = children.item(i);
            if (child.getNodeType() == Node.TEXT_NODE && child.getTextContent().isBlank()
                    || child.getNodeType() == Node.COMMENT_NODE) {
                node.removeChild(child);
            } else {
                stripWhitespace(child);
            }
        }
    }
}
