package dev.tally.cli.verbs;

import dev.tally.cli.ArgSpecs;
import dev.tally.cli.VerbCommand;
import dev.tally.cli.run.ContainerOptions;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** {@code tally volume create}: create a volume (named by the daemon when no NAME) and print its name. */
final class VolumeCreateCmd extends VerbCommand {

    private final OptionSpec labels = repeatable("KEY=VALUE", "Set metadata for a volume", "-l", "--label");
    private final PositionalParamSpec name = parameter("0", "0..1", "NAME");

    VolumeCreateCmd() {
        super("create", "Create a volume");
    }

    @Override
    public Integer call() throws IOException {
        String given = ArgSpecs.value(name);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Name", given == null ? "" : given);
        body.put("Labels", ContainerOptions.labelMap(ArgSpecs.values(labels)));
        Map<String, Object> volume = api().postJson("/volumes/create", body);
        printLine(volume.get("Name"));
        return 0;
    }
}
