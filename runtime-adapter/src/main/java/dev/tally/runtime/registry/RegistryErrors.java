package dev.tally.runtime.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.domain.DomainException;
import java.nio.charset.StandardCharsets;

/**
 * A registry's refusal as a {@link DomainException} of the right kind, with the registry's own error
 * code and message (distribution's {@code {"errors":[{"code":…,"message":…}]}}), never the request's
 * headers. Long or odd bodies are cut, so a hostile registry cannot fill a log through us.
 */
final class RegistryErrors {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RegistryErrors() {
    }

    static DomainException of(String what, int status, byte[] body) {
        String detail = detail(body);
        String message = what + ": " + (detail.isEmpty() ? "the registry answered " + status : detail);
        return switch (status) {
            case 401, 403 -> new DomainException(DomainException.Kind.DENIED, message);
            case 404 -> DomainException.notFound(message);
            case 400, 405, 411, 413, 415, 416 -> DomainException.invalid(message);
            case 429 -> DomainException.limited(message);
            default -> new DomainException(DomainException.Kind.FAILED, message);
        };
    }

    /** The registry's error codes and messages, e.g. {@code manifest unknown: manifest unknown}; empty if none. */
    static String detail(byte[] body) {
        if (body == null || body.length == 0) {
            return "";
        }
        try {
            JsonNode errors = JSON.readTree(body).path("errors");
            StringBuilder out = new StringBuilder();
            for (JsonNode e : errors) {
                if (out.length() > 0) {
                    out.append("; ");
                }
                String code = e.path("code").asText("").toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
                String text = e.path("message").asText("");
                out.append(code.isEmpty() ? text : text.isEmpty() ? code : code + ": " + text);
            }
            return printable(out.toString());
        } catch (java.io.IOException | RuntimeException notJson) {
            return "";
        }
    }

    static String printable(String s) {
        String cut = s.length() > 300 ? s.substring(0, 300) + "…" : s;
        return new String(cut.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).replaceAll("[\\p{Cntrl}]", " ");
    }
}
