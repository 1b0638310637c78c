package dev.tally.cli;

import java.util.List;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Range;

/**
 * Declares options and positional parameters on a command with picocli's
 * programmatic API, and reads their values once the command line is parsed.
 * Every tally command is a fresh JVM: models built in code cost a fraction of
 * those picocli builds from annotations by reflection.
 */
public final class ArgSpecs {

    private ArgSpecs() {
    }

    /** Adds the {@code --help} option that prints the command's usage. */
    static void addUsageHelp(CommandSpec command) {
        command.addOption(OptionSpec.builder("--help").usageHelp(true).description("Print usage").build());
    }

    /** Adds an option without a value; {@link #isSet} tells whether it was given. */
    public static OptionSpec flag(CommandSpec command, String description, String... names) {
        OptionSpec flag = OptionSpec.builder(names).type(boolean.class).description(description).build();
        command.addOption(flag);
        return flag;
    }

    /** Adds an option with one value of the given type (String, Integer or Long); the last occurrence wins. */
    public static OptionSpec option(CommandSpec command, Class<?> type, String paramLabel, String description,
            String... names) {
        OptionSpec option = OptionSpec.builder(names).type(type).paramLabel(paramLabel)
                .description(description).build();
        command.addOption(option);
        return option;
    }

    /** Adds an option with a text value, and the value it has when not given. */
    static OptionSpec optionWithDefault(CommandSpec command, String paramLabel, String defaultValue,
            String description, String... names) {
        OptionSpec option = OptionSpec.builder(names).type(String.class).paramLabel(paramLabel)
                .defaultValue(defaultValue).description(description).build();
        command.addOption(option);
        return option;
    }

    /** Adds an option that may be repeated, collecting one text value per occurrence. */
    public static OptionSpec repeatable(CommandSpec command, String paramLabel, String description, String... names) {
        OptionSpec option = OptionSpec.builder(names).type(List.class).auxiliaryTypes(String.class)
                .paramLabel(paramLabel).description(description).build();
        command.addOption(option);
        return option;
    }

    /**
     * Adds a positional parameter holding one text value.
     *
     * @param index its position among the positional parameters, e.g. "0"
     * @param arity "1" when required, "0..1" when optional
     */
    public static PositionalParamSpec parameter(CommandSpec command, String index, String arity, String paramLabel,
            String... description) {
        PositionalParamSpec parameter = PositionalParamSpec.builder().index(index).arity(arity)
                .required(isRequired(arity)).type(String.class)
                .paramLabel(paramLabel).description(description).build();
        command.addPositional(parameter);
        return parameter;
    }

    /**
     * Adds positional parameters collected into a list of text values.
     *
     * @param index the positions they take, e.g. "0..*" or "1..*"
     * @param arity how many there must be, e.g. "1..*" or "0..*"
     */
    public static PositionalParamSpec parameters(CommandSpec command, String index, String arity, String paramLabel,
            String... description) {
        PositionalParamSpec parameters = PositionalParamSpec.builder().index(index).arity(arity)
                .required(isRequired(arity)).type(List.class).auxiliaryTypes(String.class)
                .paramLabel(paramLabel).description(description).build();
        command.addPositional(parameters);
        return parameters;
    }

    /** Parameters whose arity asks for at least one value are required, as with annotations. */
    private static boolean isRequired(String arity) {
        return Range.valueOf(arity).min() > 0;
    }

    /** Whether the flag was given. */
    public static boolean isSet(OptionSpec flag) {
        return Boolean.TRUE.equals(flag.getValue());
    }

    /** The parsed value of a single-valued argument, or null when it was not given and has no default. */
    public static <T> T value(ArgSpec arg) {
        return arg.getValue();
    }

    /** The parsed values of a repeatable option or of list parameters; empty when none were given. */
    public static List<String> values(ArgSpec arg) {
        List<String> values = arg.getValue();
        return values == null ? List.of() : values;
    }
}
