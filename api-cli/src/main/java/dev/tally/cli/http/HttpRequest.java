package dev.tally.cli.http;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An HTTP/1.1 request to send: method, request target (path plus query, already
 * encoded), extra headers and an optional body. Immutable.
 */
public final class HttpRequest {

    private final String method;
    private final String target;
    private final Map<String, String> headers;
    private final RequestBody body;

    private HttpRequest(String method, String target, Map<String, String> headers, RequestBody body) {
        this.method = method;
        this.target = target;
        this.headers = headers;
        this.body = body;
    }

    public static HttpRequest of(String method, String target) {
        if (!target.startsWith("/")) {
            throw new IllegalArgumentException("request target must start with '/': " + target);
        }
        return new HttpRequest(method, target, Map.of(), null);
    }

    public static HttpRequest get(String target) {
        return of("GET", target);
    }

    public static HttpRequest post(String target) {
        return of("POST", target);
    }

    public static HttpRequest delete(String target) {
        return of("DELETE", target);
    }

    /** A copy that sends this body. */
    public HttpRequest withBody(RequestBody newBody) {
        return new HttpRequest(method, target, headers, newBody);
    }

    /** A copy with one more header; a later header of the same name replaces the earlier one. */
    public HttpRequest withHeader(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return new HttpRequest(method, target, Collections.unmodifiableMap(copy), body);
    }

    public String method() {
        return method;
    }

    public String target() {
        return target;
    }

    public Map<String, String> headers() {
        return headers;
    }

    /** The body, or null when the request has none. */
    public RequestBody body() {
        return body;
    }
}
