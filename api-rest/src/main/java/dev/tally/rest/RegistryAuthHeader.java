package dev.tally.rest;

import dev.tally.domain.DomainException;
import dev.tally.domain.image.registry.RegistryCredentials;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The docker CLI's {@code X-Registry-Auth} header: base64url of a JSON object with {@code username},
 * {@code password}, {@code auth} (base64 of {@code user:password}), {@code identitytoken}. Absent or
 * {@code {}}: no credentials. A header that is not one is INVALID, and the error never repeats it.
 */
final class RegistryAuthHeader {

    private RegistryAuthHeader() {
    }

    static RegistryCredentials parse(String header) {
        if (header == null || header.isBlank()) {
            return RegistryCredentials.NONE;
        }
        JsonObject json;
        try {
            String text = header.strip();
            byte[] raw;
            try {
                raw = Base64.getUrlDecoder().decode(text);
            } catch (IllegalArgumentException notUrl) {
                raw = Base64.getDecoder().decode(text);
            }
            json = new JsonObject(new String(raw, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException | DecodeException e) {
            throw DomainException.invalid("the X-Registry-Auth header is not base64url-encoded JSON");
        }
        return credentials(json);
    }

    /** The credentials of a Docker auth config object (also {@code POST /auth}'s body). */
    static RegistryCredentials credentials(JsonObject json) {
        String user = string(json, "username");
        String password = string(json, "password");
        String auth = string(json, "auth");
        if (user.isEmpty() && !auth.isEmpty()) {
            try {
                String pair = new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8);
                int colon = pair.indexOf(':');
                if (colon > 0) {
                    user = pair.substring(0, colon);
                    password = pair.substring(colon + 1);
                }
            } catch (IllegalArgumentException e) {
                throw DomainException.invalid("the registry auth's \"auth\" field is not base64");
            }
        }
        return new RegistryCredentials(user, password, string(json, "identitytoken"));
    }

    private static String string(JsonObject json, String name) {
        for (String key : json.fieldNames()) {
            if (key.equalsIgnoreCase(name) && json.getValue(key) instanceof String s) {
                return s;
            }
        }
        return "";
    }
}
