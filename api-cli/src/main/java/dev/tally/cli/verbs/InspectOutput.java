package dev.tally.cli.verbs;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.tally.cli.CliException;
import dev.tally.cli.ExitCodeMapper;
import dev.tally.cli.format.GoTemplate;
import dev.tally.cli.format.JsonIndenter;
import dev.tally.cli.format.TemplateException;
import dev.tally.cli.format.TerminalText;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;

/**
 * How the inspect verbs print what they found, as docker does with {@code -f/--format}: without
 * it an indented JSON array; {@code json}, the array on one line; else a Go template, one output
 * line per object. A template that does not parse fails before any request (exit 64); one that
 * fails on an object is reported for that object, the others still printed (exit 1).
 */
final class InspectOutput {

    private static final JSON COMPACT = JSON.std.with(JSON.Feature.WRITE_NULL_PROPERTIES);

    private final String format;
    private final GoTemplate template;

    private InspectOutput(String format, GoTemplate template) {
        this.format = format;
        this.template = template;
    }

    /** @throws CliException (exit 64) for a template that does not parse */
    static InspectOutput of(String format) {
        if (format == null || format.isEmpty() || format.equals("json")) {
            return new InspectOutput(format, null);
        }
        try {
            return new InspectOutput(format, GoTemplate.parse(format));
        } catch (TemplateException e) {
            throw new CliException(e.getMessage(), ExitCodeMapper.BAD_TEMPLATE);
        }
    }

    /** Prints the objects; returns false when the template failed on any of them (each failure on err). */
    boolean print(List<Object> found, PrintStream out, PrintStream err, String verb) throws IOException {
        if (template == null) {
            out.println("json".equals(format) ? COMPACT.asString(found) : JsonIndenter.indent(found));
            return true;
        }
        boolean all = true;
        for (Object object : found) {
            try {
                out.println(template.execute(object));
            } catch (TemplateException e) {
                err.println("tally: " + verb + ": " + TerminalText.escape(e.getMessage()));
                all = false;
            }
        }
        return all;
    }
}
