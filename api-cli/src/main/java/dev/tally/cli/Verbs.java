package dev.tally.cli;

import dev.tally.cli.audit.AuditCmd;
import dev.tally.cli.run.AttachCmd;
import dev.tally.cli.run.CreateCmd;
import dev.tally.cli.run.ExecCmd;
import dev.tally.cli.run.RunCmd;
import dev.tally.cli.run.StartCmd;
import dev.tally.cli.verbs.AdminCmd;
import dev.tally.cli.verbs.CommitCmd;
import dev.tally.cli.verbs.EventsCmd;
import dev.tally.cli.verbs.ExportCmd;
import dev.tally.cli.verbs.GrantCmd;
import dev.tally.cli.verbs.HistoryCmd;
import dev.tally.cli.verbs.ImageCmd;
import dev.tally.cli.verbs.ImagesCmd;
import dev.tally.cli.verbs.ImportCmd;
import dev.tally.cli.verbs.InfoCmd;
import dev.tally.cli.verbs.InspectCmd;
import dev.tally.cli.verbs.KillCmd;
import dev.tally.cli.verbs.LoadCmd;
import dev.tally.cli.verbs.LoginCmd;
import dev.tally.cli.verbs.LogoutCmd;
import dev.tally.cli.verbs.LogsCmd;
import dev.tally.cli.verbs.PsCmd;
import dev.tally.cli.verbs.PullCmd;
import dev.tally.cli.verbs.PushCmd;
import dev.tally.cli.verbs.RestartCmd;
import dev.tally.cli.verbs.RevokeCmd;
import dev.tally.cli.verbs.RmCmd;
import dev.tally.cli.verbs.RmiCmd;
import dev.tally.cli.verbs.SaveCmd;
import dev.tally.cli.verbs.StopCmd;
import dev.tally.cli.verbs.TagCmd;
import dev.tally.cli.verbs.VersionCmd;
import dev.tally.cli.verbs.VolumeCmd;
import dev.tally.cli.verbs.WaitCmd;
import java.util.List;
import picocli.CommandLine;

/**
 * The verbs of tally, in the order usage lists them. Building a verb's command
 * costs start-up time, so a command line gets only the verb it names; without one
 * (usage, an unknown verb, a root option error) it gets them all, so that usage
 * lists every verb.
 */
final class Verbs {

    static final List<String> NAMES = List.of(
            "run", "create", "start", "stop", "kill", "restart", "rm", "wait",
            "exec", "attach", "ps", "logs", "inspect", "import", "images", "image", "tag", "rmi", "history", "pull", "push", "login", "logout", "save", "load", "export", "commit", "volume", "events", "grant", "revoke", "audit", "admin", "version", "info");

    private Verbs() {
    }

    /** Adds the verb the arguments invoke to the root command, or every verb when they invoke none that exists. */
    static void addTo(CommandLine root, String[] args) {
        String invoked = invokedName(args);
        if (invoked != null && NAMES.contains(invoked)) {
            add(root, invoked);
            return;
        }
        for (String name : NAMES) {
            add(root, name);
        }
    }

    /** The root's options that take a value, and its flags: both may come before the verb. */
    private static final List<String> ROOT_OPTIONS = List.of("-H", "--host", "--tlscacert", "--tlscert", "--tlskey");
    private static final List<String> ROOT_FLAGS = List.of("--tlsverify");

    /**
     * The first argument after the root's options (-H/--host, --tlsverify, --tlscacert,
     * --tlscert, --tlskey), or null when there is none or another option comes first
     * (--help, --, an unknown option).
     */
    static String invokedName(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (ROOT_OPTIONS.contains(arg)) {
                i++;
            } else if (!arg.startsWith("-H") && !ROOT_FLAGS.contains(arg) && !isRootOptionWithValue(arg)) {
                return arg.startsWith("-") ? null : arg;
            }
        }
        return null;
    }

    private static boolean isRootOptionWithValue(String arg) {
        int equals = arg.indexOf('=');
        return equals > 0 && ROOT_OPTIONS.contains(arg.substring(0, equals));
    }

    private static void add(CommandLine root, String name) {
        root.addSubcommand(name, new CommandLine(create(name).spec()));
    }

    private static VerbCommand create(String name) {
        return switch (name) {
            case "run" -> new RunCmd();
            case "create" -> new CreateCmd();
            case "start" -> new StartCmd();
            case "stop" -> new StopCmd();
            case "kill" -> new KillCmd();
            case "restart" -> new RestartCmd();
            case "rm" -> new RmCmd();
            case "wait" -> new WaitCmd();
            case "exec" -> new ExecCmd();
            case "attach" -> new AttachCmd();
            case "ps" -> new PsCmd();
            case "logs" -> new LogsCmd();
            case "inspect" -> new InspectCmd();
            case "import" -> new ImportCmd();
            case "images" -> new ImagesCmd();
            case "image" -> new ImageCmd();
            case "tag" -> new TagCmd();
            case "rmi" -> new RmiCmd();
            case "history" -> new HistoryCmd();
            case "pull" -> new PullCmd();
            case "push" -> new PushCmd();
            case "login" -> new LoginCmd();
            case "logout" -> new LogoutCmd();
            case "save" -> new SaveCmd();
            case "load" -> new LoadCmd();
            case "export" -> new ExportCmd();
            case "commit" -> new CommitCmd();
            case "volume" -> new VolumeCmd();
            case "events" -> new EventsCmd();
            case "grant" -> new GrantCmd();
            case "revoke" -> new RevokeCmd();
            case "audit" -> new AuditCmd();
            case "admin" -> new AdminCmd();
            case "version" -> new VersionCmd();
            case "info" -> new InfoCmd();
            default -> throw new IllegalArgumentException("no such verb: " + name);
        };
    }
}
