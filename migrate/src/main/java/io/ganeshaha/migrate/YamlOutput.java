package io.ganeshaha.migrate;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.ganeshaha.api.v1alpha1.GaneshaCluster;

/** The GaneshaCluster as YAML for {@code kubectl apply -f}, through Jackson and the API model. */
public final class YamlOutput {

    public static final YAMLMapper MAPPER = (YAMLMapper) new YAMLMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .build())
            .setSerializationInclusion(JsonInclude.Include.NON_EMPTY);

    private YamlOutput() {}

    public static String write(GaneshaCluster cluster, String header) {
        try {
            StringBuilder out = new StringBuilder();
            header.lines().forEach(line -> out.append("# ").append(line).append('\n'));
            return out.append(MAPPER.writeValueAsString(cluster)).toString();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the GaneshaCluster as YAML", e);
        }
    }

    public static GaneshaCluster read(String yaml) throws JsonProcessingException {
        return MAPPER.readValue(yaml, GaneshaCluster.class);
    }
}
