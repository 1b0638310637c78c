package dev.tally.cli;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.tally.cli.http.DaemonAddress;
import dev.tally.cli.http.HijackedConnection;
import dev.tally.cli.http.HttpClient;
import dev.tally.cli.http.HttpRequest;
import dev.tally.cli.http.HttpResponse;
import dev.tally.cli.http.RequestBody;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The Docker Engine API as the CLI uses it. Paths are given without the version
 * prefix (e.g. {@code /containers/json?all=1}) and sent as {@code /v1.50/...}.
 * Every method that returns parsed JSON has checked the status first; an error
 * status becomes a {@link dev.tally.cli.http.DaemonErrorException} with the daemon's message.
 */
public final class DaemonApi {

    public static final String API_VERSION = "1.50";
    private static final String PREFIX = "/v" + API_VERSION;

    private final HttpClient http;

    DaemonApi(HttpClient http) {
        this.http = http;
    }

    /**
     * The API for the daemon at an address as given (-H, TALLY_HOST or the default).
     *
     * @throws CliException (exit 1) when the address is not one the CLI can use
     */
    public static DaemonApi at(String address) {
        try {
            return new DaemonApi(new HttpClient(DaemonAddress.parse(address)));
        } catch (IllegalArgumentException badAddress) {
            throw new CliException(badAddress.getMessage(), ExitCodeMapper.GENERAL_FAILURE);
        }
    }

    /** The API path of a container, e.g. {@code /containers/web}. */
    public static String containerPath(String nameOrId) {
        return "/containers/" + QueryString.pathSegment(nameOrId);
    }

    public String address() {
        return http.address().toString();
    }

    /** GET and parse a JSON object. */
    public Map<String, Object> getObject(String path) throws IOException {
        try (HttpResponse response = open(HttpRequest.get(PREFIX + path))) {
            return JSON.std.mapFrom(response.bodyText());
        }
    }

    /** GET and parse a JSON array. */
    public List<Object> getList(String path) throws IOException {
        try (HttpResponse response = open(HttpRequest.get(PREFIX + path))) {
            return JSON.std.listFrom(response.bodyText());
        }
    }

    /** POST a JSON body and parse the JSON object answered (empty when there is no body). */
    public Map<String, Object> postJson(String path, Object body) throws IOException {
        HttpRequest request = HttpRequest.post(PREFIX + path).withBody(RequestBody.json(JsonBody.of(body)));
        try (HttpResponse response = open(request)) {
            String text = response.bodyText();
            return text.isBlank() ? Map.of() : JSON.std.mapFrom(text);
        }
    }

    /** POST without a body, succeeding on 2xx and 304; any answer body is discarded. */
    public void post(String path) throws IOException {
        open(HttpRequest.post(PREFIX + path)).close();
    }

    /** DELETE, succeeding on 2xx. */
    public void delete(String path) throws IOException {
        open(HttpRequest.delete(PREFIX + path)).close();
    }

    /** Sends a request and returns the successful response with its body still streaming; the caller closes it. */
    public HttpResponse stream(String method, String path) throws IOException {
        return open(HttpRequest.of(method, PREFIX + path));
    }

    /** Sends a request with a body and returns the successful response still streaming; the caller closes it. */
    public HttpResponse stream(String method, String path, RequestBody body) throws IOException {
        return open(HttpRequest.of(method, PREFIX + path).withBody(body));
    }

    /**
     * POSTs with one extra header (e.g. {@code X-Registry-Auth}) and returns the successful response
     * still streaming; the caller closes it.
     */
    public HttpResponse streamWithHeader(String method, String path, String header, String value) throws IOException {
        HttpRequest request = HttpRequest.of(method, PREFIX + path);
        return open(value == null ? request : request.withHeader(header, value));
    }

    /** Sends a request without a body and returns at once; its answer is read from what this returns. */
    public HttpClient.SentRequest send(String method, String path) throws IOException {
        return http.send(HttpRequest.of(method, PREFIX + path));
    }

    /** Sends an upgrade request (e.g. attach) and returns at once; its answer is read from what this returns. */
    public HttpClient.SentRequest sendUpgrade(String path) throws IOException {
        return http.sendUpgrade(HttpRequest.post(PREFIX + path));
    }

    /** POSTs an upgrade request (e.g. attach) and returns the raw two-way connection. */
    public HijackedConnection hijack(String path) throws IOException {
        return http.hijack(HttpRequest.post(PREFIX + path));
    }

    /** POSTs an upgrade request with a JSON body (e.g. exec start) and returns the raw two-way connection. */
    public HijackedConnection hijack(String path, Object body) throws IOException {
        return http.hijack(HttpRequest.post(PREFIX + path).withBody(RequestBody.json(JsonBody.of(body))));
    }

    private HttpResponse open(HttpRequest request) throws IOException {
        return http.exchange(request).expectSuccess();
    }
}
