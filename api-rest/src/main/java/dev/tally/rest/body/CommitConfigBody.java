package dev.tally.rest.body;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.domain.DomainException;
import dev.tally.domain.image.CommitValues;
import dev.tally.domain.image.ImageCommits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The body of {@code POST /commit}: the container config the new image takes (docker-py's
 * {@code commit(conf=…)}; the docker CLI sends none), as dockerd applies it: Cmd, Entrypoint, Env,
 * Labels, User, WorkingDir, ExposedPorts, Volumes and StopSignal over the container's. The fields that
 * only a running container reads ({@link #RUN_ONLY}: no container run from an image takes them from its
 * config, in dockerd either) are accepted and left out; any other field set (Healthcheck, OnBuild,
 * Shell, …) is refused by name, never dropped in silence.
 */
public record CommitConfigBody(
        List<String> cmd,
        List<String> entrypoint,
        List<String> env,
        Map<String, String> labels,
        String user,
        String workingDir,
        Map<String, JsonNode> exposedPorts,
        Map<String, JsonNode> volumes,
        String stopSignal,
        @JsonAnySetter Map<String, JsonNode> others) {

    /** Fields of a container config that a run never takes from an image's config. */
    static final Set<String> RUN_ONLY = Set.of("hostname", "domainname", "attachstdin", "attachstdout", "attachstderr",
            "tty", "openstdin", "stdinonce", "image", "argsescaped", "networkdisabled", "macaddress", "stoptimeout");

    public CommitConfigBody {
        others = others == null ? Map.of() : new TreeMap<>(others);
    }

    /** The config as changes over the container's; INVALID naming a field tally does not apply, or a bad value. */
    public ImageCommits.Changes changes() {
        for (Map.Entry<String, JsonNode> f : others.entrySet()) {
            if (!RUN_ONLY.contains(f.getKey().toLowerCase(java.util.Locale.ROOT)) && !OtherFields.zero(f.getValue())) {
                throw DomainException.invalid("commit: the config's " + f.getKey() + " is not applied by tally; it "
                        + "applies Cmd, Entrypoint, Env, Labels, User, WorkingDir, ExposedPorts, Volumes and StopSignal");
            }
        }
        for (String kv : env) {
            if (kv.indexOf('=') <= 0) {
                throw DomainException.invalid("commit: the config's Env takes NAME=VALUE: " + kv);
            }
        }
        List<String> ports = new ArrayList<>();
        exposedPorts.keySet().forEach(p -> ports.addAll(CommitValues.ports(p)));
        List<String> paths = volumes.keySet().stream().map(CommitValues::volume).toList();
        return new ImageCommits.Changes(entrypoint, cmd, env, workingDir, user, labels, ports, paths,
                stopSignal.isEmpty() ? "" : CommitValues.stopSignal(stopSignal));
    }
}
