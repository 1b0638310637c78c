package dev.tally.cli.verbs;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.tally.cli.CliException;
import dev.tally.cli.ExitCodeMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Docker credential helper ({@code "credsStore"} or {@code "credHelpers"} in config.json): the program
 * {@code docker-credential-NAME} on the PATH, run as the docker CLI runs it: {@code get} and
 * {@code erase} with the server URL on stdin, {@code store} with
 * {@code {"ServerURL", "Username", "Secret"}} on stdin, {@code get} answering that JSON on stdout. What a
 * helper prints is never shown (it may hold the secret); a failure names the helper, the action and
 * the exit status only.
 */
final class CredentialHelper {

    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final long WAIT_SECONDS = 60;

    private final String name;
    private final Path program;

    private CredentialHelper(String name, Path program) {
        this.name = name;
        this.program = program;
    }

    /** The helper of this name on the search path (the PATH's directories); a CliException when there is none. */
    static CredentialHelper find(String name, List<Path> searchPath) {
        if (!NAME.matcher(name).matches()) {
            throw new CliException("the credential helper name \"" + name + "\" in the docker config is not a name",
                    ExitCodeMapper.GENERAL_FAILURE);
        }
        for (Path dir : searchPath) {
            Path p = dir.resolve("docker-credential-" + name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return new CredentialHelper(name, p);
            }
        }
        throw new CliException("the docker config names the credential helper " + name + ", but docker-credential-"
                + name + " is not on the PATH", ExitCodeMapper.GENERAL_FAILURE);
    }

    /** The PATH's directories. */
    static List<Path> systemPath() {
        List<Path> out = new ArrayList<>();
        String path = System.getenv("PATH");
        for (String dir : (path == null ? "/usr/local/bin:/usr/bin:/bin" : path).split(":")) {
            if (!dir.isEmpty()) {
                out.add(Path.of(dir));
            }
        }
        return out;
    }

    /** The user and secret stored for this server URL, or null when the helper has none. */
    String[] get(String serverUrl) {
        Ran r = run("get", serverUrl);
        if (r.status != 0) {
            if (r.out.contains("credentials not found")) {
                return null;
            }
            throw failed("get", r.status);
        }
        try {
            Map<String, Object> answer = JSON.std.mapFrom(r.out);
            Object user = answer.get("Username");
            Object secret = answer.get("Secret");
            if (!(user instanceof String u) || !(secret instanceof String s) || s.isEmpty()) {
                return null;
            }
            return new String[] {u, s};
        } catch (IOException notJson) {
            throw new CliException("the credential helper " + name + " answered get with something that is not "
                    + "its JSON", ExitCodeMapper.GENERAL_FAILURE);
        }
    }

    void store(String serverUrl, String user, String secret) {
        Map<String, Object> creds = new LinkedHashMap<>();
        creds.put("ServerURL", serverUrl);
        creds.put("Username", user);
        creds.put("Secret", secret);
        String json;
        try {
            json = JSON.std.asString(creds);
        } catch (IOException e) {
            throw new CliException("could not write the credentials for the helper " + name, ExitCodeMapper.GENERAL_FAILURE);
        }
        Ran r = run("store", json);
        if (r.status != 0) {
            throw failed("store", r.status);
        }
    }

    /** Removes what the helper holds for this server URL; false when it held nothing. */
    boolean erase(String serverUrl) {
        Ran r = run("erase", serverUrl);
        if (r.status != 0) {
            if (r.out.contains("credentials not found")) {
                return false;
            }
            throw failed("erase", r.status);
        }
        return true;
    }

    private record Ran(int status, String out) {
    }

    private Ran run(String action, String input) {
        try {
            Process p = new ProcessBuilder(program.toString(), action).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(input.getBytes(StandardCharsets.UTF_8));
            }
            byte[] out;
            try (InputStream o = p.getInputStream()) {
                out = o.readNBytes(1 << 20);
            }
            if (!p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new CliException("the credential helper " + name + " did not finish " + action + " in "
                        + WAIT_SECONDS + " s", ExitCodeMapper.GENERAL_FAILURE);
            }
            return new Ran(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CliException("could not run the credential helper " + program + ": " + e.getMessage(),
                    ExitCodeMapper.GENERAL_FAILURE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted", ExitCodeMapper.GENERAL_FAILURE);
        }
    }

    private CliException failed(String action, int status) {
        return new CliException("the credential helper " + name + " failed to " + action + " the credentials (exit "
                + status + ")", ExitCodeMapper.GENERAL_FAILURE);
    }
}
