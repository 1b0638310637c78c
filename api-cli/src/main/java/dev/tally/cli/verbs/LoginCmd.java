package dev.tally.cli.verbs;

import dev.tally.cli.ArgSpecs;
import dev.tally.cli.CliException;
import dev.tally.cli.ExitCodeMapper;
import dev.tally.cli.VerbCommand;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * {@code tally login}: check credentials against a registry through the daemon ({@code POST /auth}),
 * then store them in the caller's {@code ~/.docker/config.json} as {@code docker login} does.
 */
public final class LoginCmd extends VerbCommand {

    private final OptionSpec username = option(String.class, "USERNAME", "Username", "-u", "--username");
    private final OptionSpec password = option(String.class, "PASSWORD", "Password", "-p", "--password");
    private final OptionSpec passwordStdin = flag("Take the password from stdin", "--password-stdin");
    private final PositionalParamSpec server = parameter("0", "0..1", "SERVER", "The registry (default: Docker Hub)");

    public LoginCmd() {
        super("login", "Authenticate to a registry");
    }

    @Override
    public Integer call() throws IOException {
        String user = ArgSpecs.value(username);
        String secret = ArgSpecs.value(password);
        if (ArgSpecs.isSet(passwordStdin)) {
            if (secret != null) {
                throw new CliException("--password and --password-stdin are mutually exclusive", ExitCodeMapper.GENERAL_FAILURE);
            }
            BufferedReader in = new BufferedReader(new InputStreamReader(io().in(), StandardCharsets.UTF_8));
            String line = in.readLine();
            secret = line == null ? "" : line.strip();
        }
        if (user == null || user.isBlank() || secret == null || secret.isEmpty()) {
            throw new CliException("login needs --username and --password or --password-stdin",
                    ExitCodeMapper.GENERAL_FAILURE);
        }
        String address = ArgSpecs.value(server);
        String registry = address == null || address.isBlank() ? "docker.io" : registryOfAddress(address);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("username", user);
        body.put("password", secret);
        body.put("serveraddress", DockerConfig.key(registry));
        Map<String, Object> answer = api().postJson("/auth", body);
        DockerConfig.ofCaller().store(registry, user, secret);
        Object status = answer.get("Status");
        printLine(status == null ? "Login Succeeded" : status);
        return 0;
    }

    static String registryOfAddress(String address) {
        String s = address.strip().replaceFirst("^https?://", "");
        int slash = s.indexOf('/');
        s = slash < 0 ? s : s.substring(0, slash);
        return s.equals("index.docker.io") || s.equals("registry-1.docker.io") ? "docker.io" : s;
    }
}
