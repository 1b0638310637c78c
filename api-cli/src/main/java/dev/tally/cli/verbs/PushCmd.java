package dev.tally.cli.verbs;

import dev.tally.cli.ArgSpecs;
import dev.tally.cli.DaemonApi;
import dev.tally.cli.QueryString;
import dev.tally.cli.VerbCommand;
import dev.tally.cli.format.TerminalText;
import dev.tally.cli.http.HttpResponse;
import java.io.IOException;
import java.io.PrintStream;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * {@code tally push}: push an image to its registry, with the caller's credentials from
 * {@code ~/.docker/config.json}, printing a line per layer as it changes and the digest.
 */
public final class PushCmd extends VerbCommand {

    private final OptionSpec quiet = flag("Suppress verbose output", "-q", "--quiet");
    private final PositionalParamSpec name = parameter("0", "1", "NAME[:TAG]", "The image to push");

    public PushCmd() {
        super("push", "Upload an image to a registry");
    }

    @Override
    public Integer call() throws IOException {
        push(api(), out(), ArgSpecs.value(name), ArgSpecs.isSet(quiet));
        return 0;
    }

    /**
     * Pushes {@code image} (tagged {@code latest} when it names no tag), printing progress (or only
     * the name pushed, with {@code quiet}); for the lean path too.
     */
    public static void push(DaemonApi api, PrintStream out, String image, boolean quiet) throws IOException {
        int colon = image.lastIndexOf(':');
        boolean tagged = colon > image.lastIndexOf('/');
        String repository = tagged ? image.substring(0, colon) : image;
        String tag = tagged ? image.substring(colon + 1) : "latest";
        String path = "/images/" + QueryString.pathSegment(repository) + "/push"
                + new QueryString().add("tag", tag);
        TransferLines lines = new TransferLines(quiet ? null : out);
        try (HttpResponse response = api.streamWithHeader("POST", path, RegistryAuth.HEADER,
                RegistryAuth.headerFor(image))) {
            lines.read(response.body());
        }
        if (quiet) {
            out.println(TerminalText.escape(repository + ":" + tag));
        }
    }
}
