package dev.tally.rest;

import dev.tally.domain.Actor;
import dev.tally.domain.DomainException;
import dev.tally.domain.container.ContainerStatus;
import dev.tally.domain.container.query.ContainerView;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /networks}, answered truthfully while tally has no networks of its own: a container runs
 * in the host's network namespace ({@code host}) or in one of its own with only loopback
 * ({@code none}, also what {@code bridge} and the default give today), so those two are listed in
 * Docker's shape, each with the running containers the caller may see in it; any other network,
 * {@code bridge} included, is Docker's 404 {@code network X not found}. Creating, connecting and
 * disconnecting answer 501; removing a predefined network is Docker's 403 (prune is {@code SystemRoutes}').
 */
final class NetworkRoutes {

    private static final List<String> PREDEFINED = List.of("host", "none");
    private static final List<String> FILTERS = List.of("name", "id", "driver", "type", "scope", "label", "dangling");

    private final DockerApi.UseCases useCases;
    private final String daemonId;
    private final Instant created;

    NetworkRoutes(DockerApi.UseCases useCases, String daemonId, Instant created) {
        this.useCases = useCases;
        this.daemonId = daemonId;
        this.created = created;
    }

    void mount(Router r) {
        r.get("/networks").handler(ctx -> Call.run(ctx, caller -> list(ctx, caller), Call.json(ctx)));
        r.post("/networks/create").handler(ctx -> Call.run(ctx, caller -> {
            throw new NotImplemented("network create is not supported by tally yet: containers use the host or none network");
        }, x -> { }));
        r.get("/networks/:id").handler(ctx -> Call.run(ctx, caller -> json(find(ctx), caller), Call.json(ctx)));
        r.delete("/networks/:id").handler(ctx -> Call.run(ctx, caller -> {
            throw new DomainException(DomainException.Kind.DENIED,
                    find(ctx) + " is a pre-defined network and cannot be removed");
        }, x -> { }));
        for (String verb : List.of("connect", "disconnect")) {
            r.post("/networks/:id/" + verb).handler(ctx -> Call.run(ctx, caller -> {
                throw new NotImplemented("network " + verb + " is not supported by tally yet: the network of "
                        + find(ctx) + " is chosen at create (--network host or none)");
            }, x -> { }));
        }
    }

    /** The predefined network named, or whose id (or a prefix of it) is given; NOT_FOUND otherwise. */
    private String find(RoutingContext ctx) {
        String asked = ctx.pathParam("id");
        return byNameOrId(asked).orElseThrow(() -> DomainException.notFound("network " + asked + " not found"));
    }

    private Optional<String> byNameOrId(String asked) {
        if (PREDEFINED.contains(asked)) {
            return Optional.of(asked);
        }
        if (asked.isEmpty() || !asked.matches("[0-9a-f]+")) {
            return Optional.empty();
        }
        List<String> matching = PREDEFINED.stream().filter(n -> id(n).startsWith(asked)).toList();
        return matching.size() == 1 ? Optional.of(matching.get(0)) : Optional.empty();
    }

    private JsonArray list(RoutingContext ctx, Actor caller) {
        Map<String, List<String>> filters = Filters.parse(ctx.request().getParam("filters"));
        for (String key : filters.keySet()) {
            if (!FILTERS.contains(key)) {
                throw DomainException.invalid("invalid filter '" + key + "'");
            }
        }
        JsonArray out = new JsonArray();
        for (String name : PREDEFINED) {
            if (matches(name, filters)) {
                out.add(json(name, caller));
            }
        }
        return out;
    }

    private boolean matches(String name, Map<String, List<String>> filters) {
        for (Map.Entry<String, List<String>> f : filters.entrySet()) {
            List<String> v = f.getValue();
            boolean ok = switch (f.getKey()) {
                case "name" -> v.stream().anyMatch(name::contains);
                case "id" -> v.stream().anyMatch(id(name)::startsWith);
                case "driver" -> v.contains(driver(name));
                case "type" -> v.contains("builtin");
                case "scope" -> v.contains("local");
                case "dangling" -> v.stream().anyMatch(x -> !DockerApi.truthy(x)); // predefined: never dangling
                default -> false; // label: predefined networks have none
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private JsonObject json(String name, Actor caller) {
        JsonObject containers = new JsonObject();
        for (ContainerView c : useCases.containers().visible().list(false, caller)) {
            if (c.status() == ContainerStatus.RUNNING && c.config().networkMode().equals(name)) {
                containers.put(c.id(), new JsonObject().put("Name", c.name()).put("EndpointID", "")
                        .put("MacAddress", "").put("IPv4Address", "").put("IPv6Address", ""));
            }
        }
        return new JsonObject()
                .put("Name", name)
                .put("Id", id(name))
                .put("Created", Rfc3339.nano(created))
                .put("Scope", "local")
                .put("Driver", driver(name))
                .put("EnableIPv4", name.equals("host"))
                .put("EnableIPv6", false)
                .put("IPAM", new JsonObject().put("Driver", "default").putNull("Options").put("Config", new JsonArray()))
                .put("Internal", false)
                .put("Attachable", false)
                .put("Ingress", false)
                .put("ConfigFrom", new JsonObject().put("Network", ""))
                .put("ConfigOnly", false)
                .put("Containers", containers)
                .put("Options", new JsonObject())
                .put("Labels", new JsonObject());
    }

    private static String driver(String name) {
        return name.equals("host") ? "host" : "null";
    }

    /** A predefined network's id: stable for this daemon, as dockerd keeps the ids it gave them. */
    private String id(String name) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(("tally network " + daemonId + " " + name)
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
