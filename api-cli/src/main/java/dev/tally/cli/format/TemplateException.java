package dev.tally.cli.format;

/**
 * A --format template that does not parse, or that fails on an object, worded as docker words it:
 * {@code template parsing error: template: :1: unclosed action} or {@code template parsing error:
 * template: :1:2: executing "" at <.Bad>: map has no entry for key "Bad"}.
 */
public final class TemplateException extends Exception {

    private static final long serialVersionUID = 1L;

    private final boolean parsing;
    /** The part after {@code template: }. */
    final String detail;

    TemplateException(boolean parsing, String detail) {
        super("template parsing error: template: " + detail);
        this.parsing = parsing;
        this.detail = detail;
    }

    /** Whether the template itself is wrong (docker exits 64), not its use on one object (exit 1). */
    public boolean parsing() {
        return parsing;
    }
}
