package dev.tally.cli.verbs;

import dev.tally.cli.format.TerminalText;
import dev.tally.cli.DaemonApi;
import dev.tally.cli.TallyCli;
import dev.tally.cli.VerbCommand;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/** {@code tally version}: the client's version, then the daemon's (from {@code GET /version}). */
public final class VersionCmd extends VerbCommand {

    /** Labels are padded to this width, like docker's {@code %-20s}. */
    private static final int LABEL_WIDTH = 20;

    public VersionCmd() {
        super("version", "Show the tally version information");
    }

    @Override
    public Integer call() throws IOException {
        return print(out(), api());
    }

    /** Prints the client's version, then the daemon's; shared with the lean path, which has no picocli. */
    public static int print(PrintStream out, DaemonApi daemon) throws IOException {
        out.println("Client:");
        line(out, " Version:", TallyCli.VERSION);
        line(out, " API version:", DaemonApi.API_VERSION);
        line(out, " OS/Arch:", clientPlatform());
        out.println();
        Map<String, Object> server = daemon.getObject("/version");
        out.println("Server:");
        out.println(" Engine:");
        line(out, "  Version:", server.get("Version"));
        Object api = server.get("ApiVersion");
        Object minimum = server.get("MinAPIVersion");
        line(out, "  API version:",
                api == null ? null : minimum == null ? api : api + " (minimum version " + minimum + ")");
        if (server.get("Os") != null || server.get("Arch") != null) {
            line(out, "  OS/Arch:", server.get("Os") + "/" + server.get("Arch"));
        }
        line(out, "  Kernel version:", server.get("KernelVersion"));
        line(out, "  Git commit:", server.get("GitCommit"));
        line(out, "  Built:", server.get("BuildTime"));
        return 0;
    }

    private static void line(PrintStream out, String label, Object value) {
        if (value != null) {
            out.println(label + " ".repeat(Math.max(0, LABEL_WIDTH - label.length())) + TerminalText.escape(value));
        }
    }

    private static String clientPlatform() {
        String os = System.getProperty("os.name", "unknown").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "unknown");
        if (arch.equals("x86_64")) {
            arch = "amd64";
        } else if (arch.equals("aarch64")) {
            arch = "arm64";
        }
        return os + "/" + arch;
    }
}
