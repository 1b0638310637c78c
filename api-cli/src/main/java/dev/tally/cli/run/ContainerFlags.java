package dev.tally.cli.run;

import dev.tally.cli.ArgSpecs;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The flags and arguments shared by {@code run} and {@code create}, declared on
 * the verb's command with docker's names; {@link #parsed()} gives their values.
 */
final class ContainerFlags {

    private final OptionSpec name;
    private final OptionSpec env;
    private final OptionSpec envFile;
    private final OptionSpec workdir;
    private final OptionSpec user;
    private final OptionSpec entrypoint;
    private final OptionSpec hostname;
    private final OptionSpec labels;
    private final OptionSpec memory;
    private final OptionSpec cpus;
    private final OptionSpec pidsLimit;
    private final OptionSpec volumes;
    private final OptionSpec network;
    private final OptionSpec privileged;
    private final OptionSpec capAdd;
    private final OptionSpec capDrop;
    private final OptionSpec readOnly;
    private final OptionSpec tmpfs;
    private final OptionSpec stopSignal;
    private final OptionSpec stopTimeout;
    private final OptionSpec mount;
    private final OptionSpec devices;
    private final OptionSpec securityOpt;
    private final OptionSpec pid;
    private final OptionSpec interactive;
    private final OptionSpec tty;
    private final OptionSpec autoRemove;
    private final PositionalParamSpec image;
    private final PositionalParamSpec command;

    /** Declares the flags and arguments on the verb's command, whose option parsing then stops at IMAGE. */
    ContainerFlags(CommandSpec verb) {
        name = ArgSpecs.option(verb, String.class, "NAME", "Assign a name to the container", "--name");
        env = ArgSpecs.repeatable(verb, "KEY=VALUE", "Set environment variables", "-e", "--env");
        envFile = ArgSpecs.repeatable(verb, "FILE", "Read in a file of environment variables", "--env-file");
        workdir = ArgSpecs.option(verb, String.class, "DIR", "Working directory inside the container",
                "-w", "--workdir");
        user = ArgSpecs.option(verb, String.class, "USER", "Username or UID (format: <name|uid>[:<group|gid>])",
                "-u", "--user");
        entrypoint = ArgSpecs.option(verb, String.class, "CMD", "Overwrite the default ENTRYPOINT of the image",
                "--entrypoint");
        hostname = ArgSpecs.option(verb, String.class, "NAME", "Container host name", "-h", "--hostname");
        labels = ArgSpecs.repeatable(verb, "KEY=VALUE", "Set metadata on a container", "-l", "--label");
        memory = ArgSpecs.option(verb, String.class, "SIZE", "Memory limit, e.g. 64m", "-m", "--memory");
        cpus = ArgSpecs.option(verb, String.class, "N", "Number of CPUs, e.g. 0.5", "--cpus");
        pidsLimit = ArgSpecs.option(verb, Long.class, "N", "Tune container pids limit (-1 for unlimited)",
                "--pids-limit");
        volumes = ArgSpecs.repeatable(verb, "SRC:DST[:ro]", "Bind mount a volume", "-v", "--volume");
        network = ArgSpecs.option(verb, String.class, "MODE", "Connect a container to a network (none, host)",
                "--network");
        privileged = ArgSpecs.flag(verb, "Give extended privileges to this container (admins only)", "--privileged");
        capAdd = ArgSpecs.repeatable(verb, "CAP", "Add Linux capabilities (admins only)", "--cap-add");
        capDrop = ArgSpecs.repeatable(verb, "CAP", "Drop Linux capabilities", "--cap-drop");
        readOnly = ArgSpecs.flag(verb, "Mount the container's root filesystem as read only", "--read-only");
        tmpfs = ArgSpecs.repeatable(verb, "PATH[:OPTIONS]", "Mount a tmpfs directory", "--tmpfs");
        mount = ArgSpecs.repeatable(verb, "MOUNT", "Attach a filesystem mount to the container (type=bind|volume|tmpfs,"
                + "source=…,target=…[,readonly])", "--mount");
        devices = ArgSpecs.repeatable(verb, "HOST[:CONTAINER][:rwm]", "Add a host device to the container (admins only)",
                "--device");
        securityOpt = ArgSpecs.repeatable(verb, "OPT", "Security options (admins only)", "--security-opt");
        pid = ArgSpecs.option(verb, String.class, "MODE", "PID namespace to use (host: admins only)", "--pid");
        stopSignal = ArgSpecs.option(verb, String.class, "SIGNAL", "Signal to stop the container (else the image's, or "
                + "SIGTERM)", "--stop-signal");
        stopTimeout = ArgSpecs.option(verb, Integer.class, "N", "Seconds to wait for the container to stop before "
                + "killing it (-1: no end)", "--stop-timeout");
        interactive = ArgSpecs.flag(verb, "Keep STDIN open even if not attached", "-i", "--interactive");
        tty = ArgSpecs.flag(verb, "Allocate a pseudo-TTY", "-t", "--tty");
        autoRemove = ArgSpecs.flag(verb, "Automatically remove the container when it exits", "--rm");
        image = ArgSpecs.parameter(verb, "0", "1", "IMAGE", "Image to create the container from");
        command = ArgSpecs.parameters(verb, "1..*", "0..*", "COMMAND", "Command and arguments");
        verb.parser().stopAtPositional(true);
    }

    /** The values given on the parsed command line. */
    ContainerOptions parsed() {
        ContainerOptions options = new ContainerOptions();
        options.name = ArgSpecs.value(name);
        options.env.addAll(ArgSpecs.values(env));
        options.envFiles.addAll(ArgSpecs.values(envFile));
        options.workdir = ArgSpecs.value(workdir);
        options.user = ArgSpecs.value(user);
        options.entrypoint = ArgSpecs.value(entrypoint);
        options.hostname = ArgSpecs.value(hostname);
        options.labels.addAll(ArgSpecs.values(labels));
        options.memory = ArgSpecs.value(memory);
        options.cpus = ArgSpecs.value(cpus);
        options.pidsLimit = ArgSpecs.value(pidsLimit);
        options.volumes.addAll(ArgSpecs.values(volumes));
        options.network = ArgSpecs.value(network);
        options.privileged = ArgSpecs.isSet(privileged);
        options.capAdd.addAll(ArgSpecs.values(capAdd));
        options.capDrop.addAll(ArgSpecs.values(capDrop));
        options.readOnly = ArgSpecs.isSet(readOnly);
        options.tmpfs.addAll(ArgSpecs.values(tmpfs));
        options.mounts.addAll(ArgSpecs.values(mount));
        options.devices.addAll(ArgSpecs.values(devices));
        options.securityOpt.addAll(ArgSpecs.values(securityOpt));
        options.pid = ArgSpecs.value(pid);
        options.stopSignal = ArgSpecs.value(stopSignal);
        options.stopTimeout = ArgSpecs.value(stopTimeout);
        options.interactive = ArgSpecs.isSet(interactive);
        options.tty = ArgSpecs.isSet(tty);
        options.autoRemove = ArgSpecs.isSet(autoRemove);
        options.image = ArgSpecs.value(image);
        options.command.addAll(ArgSpecs.values(command));
        return options;
    }
}
