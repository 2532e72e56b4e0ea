package io.ganeshaha.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The CEL rules (x-kubernetes-validations) of a checked-in CRD, evaluated with cel-java where the
 * API server would evaluate them: at their place in the schema, with {@code self} the value there.
 * Only the rules; the OpenAPI constraints (minItems, pattern, ...) are the API server's, and the
 * K3s test sees both.
 */
final class CrdRules {

    /** A rule that did not hold: where (as the API server names it) and its message. */
    record Violation(String field, String message) {}

    // The API server drops nulls of non-nullable fields before validating.
    private static final ObjectMapper JSON = new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);
    private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("self", SimpleType.DYN)
            // The API server's CEL has the strings extension (lowerAscii, ...).
            .addLibraries(CelExtensions.strings())
            .build();
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder()
            .addLibraries(CelExtensions.strings())
            .build();

    private final JSONSchemaProps root;

    private CrdRules(JSONSchemaProps root) {
        this.root = root;
    }

    static CrdRules of(Path crdFile) throws Exception {
        CustomResourceDefinition crd = new KubernetesSerialization().unmarshal(Files.readString(crdFile),
                CustomResourceDefinition.class);
        return new CrdRules(crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema());
    }

    /** Every rule of the schema, for checking they all compile. */
    List<String> allRules() {
        List<String> rules = new ArrayList<>();
        collect(root, rules);
        return rules;
    }

    private static void collect(JSONSchemaProps schema, List<String> rules) {
        if (schema == null) {
            return;
        }
        if (schema.getXKubernetesValidations() != null) {
            schema.getXKubernetesValidations().forEach(r -> rules.add(r.getRule()));
        }
        if (schema.getProperties() != null) {
            schema.getProperties().values().forEach(p -> collect(p, rules));
        }
        if (schema.getItems() != null) {
            collect(schema.getItems().getSchema(), rules);
        }
    }

    static void compile(String rule) throws Exception {
        COMPILER.compile(rule).getAst();
    }

    /** The rules that fail for {@code object} (a whole custom resource, as YAML or JSON text). */
    List<Violation> violations(Object object) throws Exception {
        JsonNode node = JSON.valueToTree(object);
        List<Violation> out = new ArrayList<>();
        check(root, node, "", out);
        return out;
    }

    private void check(JSONSchemaProps schema, JsonNode value, String path, List<Violation> out) throws Exception {
        if (schema == null || value == null || value.isNull()) {
            return;
        }
        if (schema.getXKubernetesValidations() != null) {
            Object self = JSON.convertValue(value, Object.class);
            for (ValidationRule rule : schema.getXKubernetesValidations()) {
                if (!holds(rule.getRule(), self)) {
                    String field = rule.getFieldPath() == null ? path : path + rule.getFieldPath();
                    out.add(new Violation(field, rule.getMessage()));
                }
            }
        }
        if (schema.getProperties() != null && value.isObject()) {
            for (var p : schema.getProperties().entrySet()) {
                check(p.getValue(), value.get(p.getKey()), path.isEmpty() ? p.getKey() : path + "." + p.getKey(), out);
            }
        }
        if (schema.getItems() != null && value.isArray()) {
            for (int i = 0; i < value.size(); i++) {
                check(schema.getItems().getSchema(), value.get(i), path + "[" + i + "]", out);
            }
        }
    }

    private static boolean holds(String rule, Object self) throws Exception {
        CelAbstractSyntaxTree ast = COMPILER.compile(rule).getAst();
        Object result = RUNTIME.createProgram(ast).eval(Map.of("self", integersAsLong(self)));
        return Boolean.TRUE.equals(result);
    }

    /** CEL's int is 64-bit: Jackson's Integer values become Long. */
    private static Object integersAsLong(Object value) {
        if (value instanceof Integer i) {
            return i.longValue();
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> copy = new java.util.LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(k, integersAsLong(v)));
            return copy;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(CrdRules::integersAsLong).toList();
        }
        return value;
    }
}
