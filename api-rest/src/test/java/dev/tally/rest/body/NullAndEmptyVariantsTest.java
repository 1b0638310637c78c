package dev.tally.rest.body;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every body a real client sends (the seeds of {@link BodiesFuzzTest} and the recorded create bodies),
 * with each of its values in turn, at any depth, replaced by {@code null}, {@code []}, {@code {}},
 * {@code ""}, {@code 0} and {@code false}: each variant reads as a record that the route can use,
 * or is INVALID (400); nothing else (issue 14: docker-java sends nearly every field as null).
 */
class NullAndEmptyVariantsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<JsonNode> STAND_INS = List.of(JsonNodeFactory.instance.nullNode(),
            JsonNodeFactory.instance.arrayNode(), JsonNodeFactory.instance.objectNode(), JsonNodeFactory.instance.textNode(""),
            JsonNodeFactory.instance.numberNode(0), JsonNodeFactory.instance.booleanNode(false));

    private static final Map<String, Target<?>> TARGETS = Map.of(
            "containerCreate", new Target<>(ContainerCreateBody.class, b -> List.of(b.config(), b.askedOptions())),
            "execCreate", new Target<>(ExecCreateBody.class, ExecCreateBody::spec),
            "execStart", new Target<>(ExecStartBody.class, b -> b),
            "volumeCreate", new Target<>(VolumeCreateBody.class, b -> b),
            "grant", new Target<>(GrantBody.class, b -> b));

    private record Target<T>(Class<T> type, Function<T, Object> use) {
        void check(byte[] body) {
            BodiesFuzzTest.readsOrIsInvalid(body, type, use);
        }
    }

    @Test
    void everyValueOfEveryRealBodyMayBeNullOrEmpty() throws Exception {
        int variants = 0;
        for (Map.Entry<String, Target<?>> target : TARGETS.entrySet()) {
            for (JsonNode seed : seeds(target.getKey())) {
                List<JsonNode> all = new ArrayList<>();
                variants(seed, all::add);
                for (JsonNode variant : all) {
                    target.getValue().check(JSON.writeValueAsBytes(variant));
                }
                variants += all.size();
            }
        }
        assertTrue(variants > 5_000, "variants tried: " + variants);
    }

    /** The JSON objects among the fuzz seeds of {@code target}, and for create the recorded clients' bodies. */
    private static List<JsonNode> seeds(String target) throws IOException, URISyntaxException {
        Path dir = Path.of(NullAndEmptyVariantsTest.class.getResource("BodiesFuzzTestInputs/" + target).toURI());
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(files::add);
        }
        if (target.equals("containerCreate")) {
            Path recorded = Path.of(NullAndEmptyVariantsTest.class.getResource("create-bodies").toURI());
            try (Stream<Path> s = Files.walk(recorded)) {
                s.filter(p -> p.toString().endsWith(".json")).forEach(files::add);
            }
        }
        List<JsonNode> out = new ArrayList<>();
        for (Path f : files) {
            try {
                JsonNode n = JSON.readTree(Files.readAllBytes(f));
                if (n != null && n.isObject()) {
                    out.add(n);
                }
            } catch (IOException notJson) {
                // a seed of malformed bytes: BodiesFuzzTest has it
            }
        }
        assertTrue(!out.isEmpty(), "seeds of " + target);
        return out;
    }

    /** {@code root} with one value (of an object's field or an array's element) replaced, for each value and stand-in. */
    static void variants(JsonNode root, Consumer<JsonNode> out) {
        List<List<Object>> paths = new ArrayList<>();
        collect(root, new ArrayList<>(), paths);
        for (List<Object> path : paths) {
            for (JsonNode standIn : STAND_INS) {
                JsonNode copy = root.deepCopy();
                JsonNode parent = copy;
                for (Object step : path.subList(0, path.size() - 1)) {
                    parent = step instanceof String f ? parent.get(f) : parent.get((Integer) step);
                }
                Object last = path.get(path.size() - 1);
                if (last instanceof String f) {
                    ((ObjectNode) parent).set(f, standIn);
                } else {
                    ((ArrayNode) parent).set((Integer) last, standIn);
                }
                out.accept(copy);
            }
        }
    }

    private static void collect(JsonNode node, List<Object> at, List<List<Object>> paths) {
        if (node.isObject()) {
            node.fieldNames().forEachRemaining(f -> {
                List<Object> p = new ArrayList<>(at);
                p.add(f);
                paths.add(p);
                collect(node.get(f), p, paths);
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                List<Object> p = new ArrayList<>(at);
                p.add(i);
                paths.add(p);
                collect(node.get(i), p, paths);
            }
        }
    }
}
