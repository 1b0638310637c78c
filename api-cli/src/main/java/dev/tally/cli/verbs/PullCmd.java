package dev.tally.cli.verbs;

import dev.tally.cli.ArgSpecs;
import dev.tally.cli.DaemonApi;
import dev.tally.cli.QueryString;
import dev.tally.cli.VerbCommand;
import dev.tally.cli.http.HttpResponse;
import java.io.IOException;
import java.io.PrintStream;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * {@code tally pull}: pull an image from a registry, with the caller's credentials from
 * {@code ~/.docker/config.json}, printing a line per layer as it changes and the digest.
 */
public final class PullCmd extends VerbCommand {

    private final OptionSpec platform = option(String.class, "PLATFORM", "Set platform if server is multi-platform capable",
            "--platform");
    private final OptionSpec quiet = flag("Suppress verbose output", "-q", "--quiet");
    private final PositionalParamSpec name = parameter("0", "1", "NAME[:TAG|@DIGEST]", "The image to pull");

    public PullCmd() {
        super("pull", "Download an image from a registry");
    }

    @Override
    public Integer call() throws IOException {
        String image = ArgSpecs.value(name);
        pull(api(), out(), image, ArgSpecs.value(platform), ArgSpecs.isSet(quiet));
        return 0;
    }

    /** Pulls {@code image}, printing progress (or only the name with {@code quiet}); for run and create too. */
    public static void pull(DaemonApi api, PrintStream out, String image, String platform, boolean quiet)
            throws IOException {
        QueryString query = new QueryString();
        int at = image.indexOf('@');
        int colon = image.lastIndexOf(':');
        if (at < 0 && colon > image.lastIndexOf('/')) {
            query.add("fromImage", image.substring(0, colon)).add("tag", image.substring(colon + 1));
        } else {
            query.add("fromImage", image).add("tag", at < 0 ? "latest" : "");
        }
        if (platform != null && !platform.isBlank()) {
            query.add("platform", platform);
        }
        TransferLines lines = new TransferLines(quiet ? null : out);
        try (HttpResponse response = api.streamWithHeader("POST", "/images/create" + query,
                RegistryAuth.HEADER, RegistryAuth.headerFor(image))) {
            lines.read(response.body());
        }
        if (quiet) {
            out.println(at < 0 && colon <= image.lastIndexOf('/') ? image + ":latest" : image);
        }
    }
}
