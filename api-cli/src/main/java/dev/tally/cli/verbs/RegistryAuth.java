package dev.tally.cli.verbs;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code X-Registry-Auth} header the docker CLI sends: base64url JSON of the stored credentials
 * (from config.json or its credential helper, {@link DockerConfig}).
 */
final class RegistryAuth {

    static final String HEADER = "X-Registry-Auth";

    private RegistryAuth() {
    }

    /** The header's value for a pull or push of {@code name}, or null when no credentials are stored. */
    static String headerFor(String name) throws IOException {
        String registry = DockerConfig.registryOf(name);
        String[] creds = DockerConfig.ofCaller().credentials(registry);
        if (creds == null) {
            return null;
        }
        Map<String, Object> auth = new LinkedHashMap<>();
        if (creds[0].equals("<token>")) {
            auth.put("identitytoken", creds[1]); // a helper's way to keep an identity token, as the docker CLI reads it
        } else {
            auth.put("username", creds[0]);
            auth.put("password", creds[1]);
        }
        auth.put("serveraddress", registry);
        return Base64.getUrlEncoder().encodeToString(JSON.std.asString(auth).getBytes(StandardCharsets.UTF_8));
    }
}
