package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bodies real clients send (recorded from docker-java, the docker CLI and docker-py, kept once
 * in api-rest's test resources) sent to a real tallyd with each field in turn, of the body and of
 * its HostConfig, replaced by {@code null}, {@code []}, {@code {}}, {@code ""}, {@code 0} or
 * {@code false} (issue 14): never a 500, and nothing in the daemon's log of an internal error.
 * Create variants name a missing image (the body, the option table and the image lookup answer
 * them); the null variants also run with busybox, through the runtime's checks and create.
 */
class ClientBodiesIT {

    private static final Path BODIES = Path.of(System.getProperty("user.dir"))
            .resolve("../api-rest/src/test/resources/dev/tally/rest/body/BodiesFuzzTestInputs").normalize();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<JsonNode> STAND_INS = List.of(JsonNodeFactory.instance.nullNode(),
            JsonNodeFactory.instance.arrayNode(), JsonNodeFactory.instance.objectNode(), JsonNodeFactory.instance.textNode(""),
            JsonNodeFactory.instance.numberNode(0), JsonNodeFactory.instance.booleanNode(false));

    @BusyboxDaemon
    private static Daemon daemon;
    private static String running;

    record Reply(int status, String body) {
    }

    @BeforeAll
    static void aRunningContainerForExecs() {
        Daemon.Result r = daemon.docker("run", "-d", "busybox", "sleep", "600");
        assertEquals(0, r.code(), r.err());
        running = r.out().strip();
    }

    @Test
    void createBodiesWithEachFieldNullOrEmptyAreNeverA500() throws Exception {
        int sent = 0;
        for (Seed seed : seeds("containerCreate")) {
            JsonNode body = seed.body();
            for (JsonNode variant : variants(body)) {
                ((ObjectNode) variant).put("Image", "no-such-image-for-variants");
                Reply r = http("POST", "/containers/create", variant);
                assertNotA500(r, variant);
                sent++;
            }
            if (!seed.name().startsWith("docker-java")) {
                continue; // real creates for docker-java's bodies, which send every field
            }
            for (JsonNode variant : variants(body, JsonNodeFactory.instance.nullNode())) {
                if (!variant.path("Image").isTextual()) {
                    continue;
                }
                Reply r = http("POST", "/containers/create", variant);
                assertNotA500(r, variant);
                if (r.status() == 201) {
                    String id = JSON.readTree(r.body()).get("Id").asText();
                    assertEquals(204, http("DELETE", "/containers/" + id + "?force=1", null).status());
                }
                sent++;
            }
        }
        assertTrue(sent > 500, "variants sent: " + sent);
        assertFalse(daemon.log().contains("internal error"), daemon.log());
    }

    @Test
    void execAndVolumeBodiesWithEachFieldNullOrEmptyAreNeverA500() throws Exception {
        int sent = 0;
        for (Seed seed : seeds("execCreate")) {
            for (JsonNode variant : variants(seed.body())) {
                assertNotA500(http("POST", "/containers/" + running + "/exec", variant), variant);
                sent++;
            }
        }
        for (Seed seed : seeds("execStart")) {
            for (JsonNode variant : variants(seed.body())) {
                Reply exec = http("POST", "/containers/" + running + "/exec", JSON.readTree("{\"Cmd\":[\"true\"],"
                        + "\"AttachStdout\":true,\"AttachStderr\":true}"));
                assertEquals(201, exec.status(), exec.body());
                String id = JSON.readTree(exec.body()).get("Id").asText();
                assertNotA500(http("POST", "/exec/" + id + "/start", variant), variant);
                sent++;
            }
        }
        for (Seed seed : seeds("volumeCreate")) {
            for (JsonNode variant : variants(seed.body())) {
                Reply r = http("POST", "/volumes/create", variant);
                assertNotA500(r, variant);
                if (r.status() == 201) {
                    String name = JSON.readTree(r.body()).get("Name").asText();
                    http("DELETE", "/volumes/" + name, null);
                }
                sent++;
            }
        }
        assertTrue(sent > 50, "variants sent: " + sent);
        assertFalse(daemon.log().contains("internal error"), daemon.log());
    }

    private static void assertNotA500(Reply r, JsonNode sent) {
        assertTrue(r.status() < 500, r.status() + " " + r.body() + " for " + sent);
        if (r.status() >= 400) {
            assertTrue(r.body().matches("(?s)\\{\"message\":\".+\"}\\s*"), r.body());
        }
    }

    /** A recorded body, by the name of its file. */
    record Seed(String name, JsonNode body) {
    }

    /** The JSON objects among the recorded bodies of a fuzz target: the clients' and the null-laden ones. */
    private static List<Seed> seeds(String target) throws IOException {
        List<Seed> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(BODIES.resolve(target))) {
            for (Path f : files.sorted().toList()) {
                try {
                    JsonNode n = JSON.readTree(Files.readAllBytes(f));
                    if (n != null && n.isObject() && (f.getFileName().toString().startsWith("docker-")
                            || f.getFileName().toString().contains("null"))) {
                        out.add(new Seed(f.getFileName().toString(), n));
                    }
                } catch (IOException notJson) {
                    // malformed on purpose: BodiesFuzzTest's
                }
            }
        }
        assertFalse(out.isEmpty(), "recorded bodies of " + target + " under " + BODIES);
        return out;
    }

    /** The body with one field (of its own or of its HostConfig) replaced, for each field and stand-in. */
    private static List<JsonNode> variants(JsonNode body, JsonNode... only) {
        List<JsonNode> standIns = only.length == 0 ? STAND_INS : List.of(only);
        List<JsonNode> out = new ArrayList<>();
        for (String field : iterable(body)) {
            for (JsonNode standIn : standIns) {
                ObjectNode copy = body.deepCopy();
                copy.set(field, standIn);
                out.add(copy);
            }
        }
        JsonNode host = body.get("HostConfig");
        if (host != null && host.isObject()) {
            for (String field : iterable(host)) {
                for (JsonNode standIn : standIns) {
                    ObjectNode copy = body.deepCopy();
                    ((ObjectNode) copy.get("HostConfig")).set(field, standIn);
                    out.add(copy);
                }
            }
        }
        return out;
    }

    private static List<String> iterable(JsonNode o) {
        List<String> names = new ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** One request on its own connection to the daemon's socket; the whole answer read. */
    private static Reply http(String method, String path, JsonNode body) throws IOException {
        byte[] bytes = body == null ? new byte[0] : JSON.writeValueAsBytes(body);
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(daemon.socket))) {
            String head = method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n\r\n";
            ch.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)));
            ch.write(ByteBuffer.wrap(bytes));
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            Channels.newInputStream(ch).transferTo(all);
            String answer = all.toString(StandardCharsets.UTF_8);
            int status = Integer.parseInt(answer.substring(9, 12));
            int bodyAt = answer.indexOf("\r\n\r\n");
            String rest = bodyAt < 0 ? "" : answer.substring(bodyAt + 4);
            if (answer.substring(0, Math.max(bodyAt, 0)).toLowerCase().contains("transfer-encoding: chunked")) {
                rest = unchunked(rest);
            }
            return new Reply(status, rest);
        }
    }

    private static String unchunked(String chunked) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (at < chunked.length()) {
            int eol = chunked.indexOf("\r\n", at);
            if (eol < 0) {
                break;
            }
            int size = Integer.parseInt(chunked.substring(at, eol).strip(), 16);
            if (size == 0) {
                break;
            }
            out.append(chunked, eol + 2, Math.min(chunked.length(), eol + 2 + size));
            at = eol + 2 + size + 2;
        }
        return out.toString();
    }
}
