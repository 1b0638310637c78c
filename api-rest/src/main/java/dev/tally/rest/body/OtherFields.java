package dev.tally.rest.body;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.domain.container.AskedOption;
import dev.tally.domain.container.ContainerOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The fields of a create body that no record here reads, told apart as {@link ContainerOption}'s
 * table says: a field with nothing to apply, or at a case the table accepts, passes; a field at its
 * zero value ({@link #zero}: such as the CLI's {@code ConsoleSize [0,0]}) passes, as dockerd reads it; a root-equivalent row is asked for as that
 * row; anything else is {@link ContainerOption#OTHER}, named by its path. Names match whatever their
 * case, as Go's decoder (and so dockerd) matches them.
 */
final class OtherFields {

    /** The cases the table accepts of fields tally reads no further. */
    private static final Map<ContainerOption, Predicate<JsonNode>> ACCEPTED = Map.of(
            ContainerOption.NETWORK_DISABLED, n -> n.isBoolean() || n.isNull(),
            ContainerOption.LOG_CONFIG, n -> Set.of("", "json-file").contains(text(field(n, "Type")))
                    && restIsZero(n, "Type") && zero(field(n, "Config")),
            ContainerOption.HEALTHCHECK, n -> field(n, "Test").size() == 1 && text(field(n, "Test").path(0)).equals("NONE")
                    && restIsZero(n, "Test"),
            ContainerOption.MEMORY_SWAPPINESS, n -> n.isIntegralNumber() && n.asLong() == -1,
            ContainerOption.ISOLATION, n -> text(n).equals("default"));
    /** Rows that are set as soon as they are not null ({@code []} means "mask nothing"). */
    private static final Set<ContainerOption> SET_UNLESS_NULL = Set.of(ContainerOption.MASKED_PATHS,
            ContainerOption.READONLY_PATHS);

    private OtherFields() {
    }

    /** The options these fields ask for, {@code prefix} being where they sit ("" or "HostConfig."). */
    static List<AskedOption> of(String prefix, Map<String, JsonNode> fields) {
        List<AskedOption> asked = new ArrayList<>();
        fields.forEach((name, value) -> {
            String path = prefix + name;
            Optional<ContainerOption> row = row(path);
            if (row.isPresent() && row.get().decisionFor(false) == ContainerOption.Decision.NO_EFFECT) {
                return;
            }
            if (row.isPresent() && ACCEPTED.containsKey(row.get()) && ACCEPTED.get(row.get()).test(value)) {
                return;
            }
            if (row.isPresent() && SET_UNLESS_NULL.contains(row.get())) {
                if (!value.isNull()) {
                    asked.add(new AskedOption(row.get(), ""));
                }
                return;
            }
            if (zero(value)) {
                return;
            }
            boolean ownRow = row.isPresent() && !ACCEPTED.containsKey(row.get());
            asked.add(ownRow ? new AskedOption(row.get(), "") : new AskedOption(ContainerOption.OTHER, path));
        });
        return asked;
    }

    /**
     * {@code NetworkingConfig}: an entry of {@code EndpointsConfig} for the network mode asked (or
     * {@code default}) with nothing set in it passes; a setting in it ({@code --ip}, {@code --network-alias}),
     * an entry for another network or another field is OTHER.
     */
    static List<AskedOption> ofNetworking(NetworkingConfigBody networking, String networkMode) {
        List<AskedOption> asked = new ArrayList<>(of("NetworkingConfig.", networking.others()));
        networking.endpointsConfig().forEach((network, endpoint) -> {
            String path = "NetworkingConfig.EndpointsConfig." + network;
            boolean ours = network.equals(networkMode) || network.equals("default") && Set.of("", "default").contains(networkMode);
            if (!ours) {
                asked.add(new AskedOption(ContainerOption.OTHER, path));
                return;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = endpoint.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (!zero(f.getValue())) {
                    asked.add(new AskedOption(ContainerOption.OTHER, path + "." + f.getKey()));
                }
            }
            if (!endpoint.isObject() && !endpoint.isNull()) {
                asked.add(new AskedOption(ContainerOption.OTHER, path));
            }
        });
        return asked;
    }

    /**
     * Go's zero value, generously: null, false, 0, "", arrays of nothing but zeros, and objects whose
     * every field is such a zero (an object under a field is not: it is a map's key).
     */
    static boolean zero(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return true;
        }
        if (n.isBoolean()) {
            return !n.booleanValue();
        }
        if (n.isNumber()) {
            return n.decimalValue().signum() == 0;
        }
        if (n.isTextual()) {
            return n.textValue().isEmpty();
        }
        for (JsonNode element : n) {
            // {"80/tcp": {}}: a map's keys are what it asks for, even with nothing under them
            if (!zero(element) || n.isObject() && element.isObject()) {
                return false;
            }
        }
        return true;
    }

    private static Optional<ContainerOption> row(String path) {
        return Arrays.stream(ContainerOption.values()).filter(o -> o.field().equalsIgnoreCase(path)).findFirst();
    }

    /** A field of an object whatever the case of its name, or a missing node. */
    private static JsonNode field(JsonNode object, String name) {
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getKey().equalsIgnoreCase(name)) {
                return f.getValue();
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    /** Whether every field of the object but {@code name} is zero. */
    private static boolean restIsZero(JsonNode object, String name) {
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!f.getKey().equalsIgnoreCase(name) && !zero(f.getValue())) {
                return false;
            }
        }
        return object.isObject();
    }

    private static String text(JsonNode n) {
        return n.isTextual() ? n.textValue() : n.isNull() || n.isMissingNode() ? "" : n.toString();
    }
}
