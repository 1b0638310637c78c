package dev.tally.cli.format;

import dev.tally.cli.CliException;
import dev.tally.cli.ExitCodeMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The subset of docker's Go-template --format that tally understands: literal
 * text and {@code {{.Field}}} references, an optional {@code table} prefix
 * (aligned columns with a header row), and {@code \t} / {@code \n} escapes.
 * Hand-written because no library of ours (nor the JDK) reads Go templates, not for start-up time.
 */
final class FormatTemplate {

    private static final Pattern ACTION = Pattern.compile("\\{\\{(.*?)}}");
    private static final Pattern FIELD = Pattern.compile("^\\s*\\.(\\w+)\\s*$");

    /** A literal (field == null) or a field reference. */
    private record Part(String literal, String field) {
    }

    private final boolean table;
    private final List<Part> parts;

    private FormatTemplate(boolean table, List<Part> parts) {
        this.table = table;
        this.parts = parts;
    }

    /** Whether every action of the format is a field reference (else {@link GoTemplate} runs it). */
    static boolean understands(String format) {
        Matcher action = ACTION.matcher(format);
        int actions = 0;
        while (action.find()) {
            if (!FIELD.matcher(action.group(1)).matches()) {
                return false;
            }
            actions++;
        }
        return actions == format.split("\\{\\{", -1).length - 1; // no unclosed action
    }

    /**
     * @param format       the user's --format value
     * @param defaultTable the template used for a bare {@code table}
     * @throws CliException (exit 1) for template actions other than field references
     */
    static FormatTemplate parse(String format, String defaultTable) {
        String text = format.trim();
        boolean table = text.startsWith("table");
        if (table) {
            text = text.substring("table".length()).trim();
            if (text.isEmpty()) {
                text = defaultTable;
            }
        }
        text = text.replace("\\t", "\t").replace("\\n", "\n");
        List<Part> parts = new ArrayList<>();
        Matcher action = ACTION.matcher(text);
        int end = 0;
        while (action.find()) {
            if (action.start() > end) {
                parts.add(new Part(text.substring(end, action.start()), null));
            }
            Matcher field = FIELD.matcher(action.group(1));
            if (!field.matches()) {
                throw new CliException("unsupported template action \"" + action.group() + "\" in --format",
                        ExitCodeMapper.GENERAL_FAILURE);
            }
            parts.add(new Part(null, field.group(1)));
            end = action.end();
        }
        if (end < text.length()) {
            parts.add(new Part(text.substring(end), null));
        }
        return new FormatTemplate(table, List.copyOf(parts));
    }

    boolean isTable() {
        return table;
    }

    /**
     * Renders one line.
     *
     * @param fields gives a field's text, or null for an unknown field
     * @throws CliException (exit 1) naming an unknown field
     */
    String render(Function<String, String> fields) {
        StringBuilder line = new StringBuilder();
        for (Part part : parts) {
            if (part.field() == null) {
                line.append(part.literal());
                continue;
            }
            String value = fields.apply(part.field());
            if (value == null) {
                throw new CliException("template: can't evaluate field " + part.field(),
                        ExitCodeMapper.GENERAL_FAILURE);
            }
            line.append(TerminalText.escape(value));
        }
        return line.toString();
    }

    /** Renders a header (when a table) then one line per item, aligned when a table. */
    <T> List<String> renderAll(List<T> items, Function<String, String> headers,
            Function<T, Function<String, String>> fieldsOf) {
        List<String> lines = new ArrayList<>();
        if (table) {
            lines.add(render(headers));
        }
        for (T item : items) {
            lines.add(render(fieldsOf.apply(item)));
        }
        return table ? TextTable.align(lines) : lines;
    }
}
