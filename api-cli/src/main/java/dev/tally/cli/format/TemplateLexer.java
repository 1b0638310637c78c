package dev.tally.cli.format;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a Go template into tokens as Go's text/template lexer does: text between actions, and inside
 * {@code {{ }}} fields, variables, identifiers, literals, pipes and parentheses. Trim markers
 * ({@code {{- } and { -}}}) take the white space off the text beside them; comments leave nothing.
 */
final class TemplateLexer {

    enum Kind { ERROR, TEXT, LEFT, RIGHT, FIELD, DOT, VARIABLE, IDENT, STRING, NUMBER, PIPE, LPAREN, RPAREN, DECLARE, COMMA, EOF }

    /** One token; {@code end} is where its text ends in the template, to tell {@code .A.B} from {@code .A .B}. */
    record Token(Kind kind, String text, int pos, int end) {
    }

    private final String input;
    private final List<Token> tokens = new ArrayList<>();
    private int at;

    private TemplateLexer(String input) {
        this.input = input;
    }

    /**
     * The tokens, ending with EOF, or with an ERROR token (its text the error) where the lexer
     * stopped: the parser reports it only when it gets there, so that, as in Go, an earlier
     * error ({@code {{bad}: function "bad" not defined}) wins over an unclosed action.
     */
    static List<Token> lex(String input) {
        TemplateLexer lexer = new TemplateLexer(input);
        try {
            lexer.run();
        } catch (TemplateException e) {
            lexer.add(Kind.ERROR, e.detail, lexer.at, lexer.at);
        }
        return lexer.tokens;
    }

    /** The 1-based line of a position, as Go's errors name it. */
    static int line(String input, int pos) {
        int line = 1;
        for (int i = 0; i < pos && i < input.length(); i++) {
            if (input.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    private void run() throws TemplateException {
        while (true) {
            int open = input.indexOf("{{", at);
            if (open < 0) {
                text(input.substring(at));
                add(Kind.EOF, "", input.length(), input.length());
                return;
            }
            boolean trimLeft = input.startsWith("{{-", open) && open + 3 < input.length() && space(input.charAt(open + 3));
            String before = input.substring(at, open);
            text(trimLeft ? before.stripTrailing() : before);
            at = open + (trimLeft ? 3 : 2);
            while (at < input.length() && space(input.charAt(at)) && trimLeft) {
                at++;
            }
            if (input.startsWith("/*", at)) {
                comment();
            } else {
                add(Kind.LEFT, "{{", open, open + 2);
                action();
            }
        }
    }

    private void text(String text) {
        if (!text.isEmpty()) {
            add(Kind.TEXT, text, at, at + text.length());
        }
    }

    private void comment() throws TemplateException {
        int end = input.indexOf("*/", at);
        if (end < 0) {
            throw error("unclosed comment");
        }
        at = end + 2;
        if (!closeAction(false)) {
            throw error("comment ends before closing delimiter");
        }
    }

    /** Consumes "}}" or " -}}" (and the white space after a trim marker) at the cursor, as a token or not. */
    private boolean closeAction(boolean token) {
        if (input.startsWith("}}", at)) {
            if (token) {
                add(Kind.RIGHT, "}}", at, at + 2);
            }
            at += 2;
            return true;
        }
        if (at < input.length() && space(input.charAt(at)) && input.startsWith("-}}", at + 1)) {
            if (token) {
                add(Kind.RIGHT, "}}", at + 2, at + 4);
            }
            at += 4;
            while (at < input.length() && space(input.charAt(at))) {
                at++;
            }
            return true;
        }
        return false;
    }

    private void action() throws TemplateException {
        while (true) {
            if (at >= input.length()) {
                throw error("unclosed action");
            }
            if (closeAction(true)) {
                return;
            }
            char c = input.charAt(at);
            int start = at;
            if (space(c)) {
                at++;
            } else if (c == '|' || c == '(' || c == ')' || c == ',') {
                at++;
                add(c == '|' ? Kind.PIPE : c == '(' ? Kind.LPAREN : c == ')' ? Kind.RPAREN : Kind.COMMA,
                        String.valueOf(c), start, at);
            } else if (c == ':') {
                if (!input.startsWith(":=", at)) {
                    throw error("expected :=");
                }
                at += 2;
                add(Kind.DECLARE, ":=", start, at);
            } else if (c == '"' || c == '`') {
                quoted(c);
            } else if (c == '$') {
                at++;
                word();
                add(Kind.VARIABLE, input.substring(start, at), start, at);
            } else if (c == '.' && at + 1 < input.length() && Character.isDigit(input.charAt(at + 1))) {
                number();
            } else if (c == '.') {
                at++;
                word();
                add(at - start == 1 ? Kind.DOT : Kind.FIELD, input.substring(start, at), start, at);
            } else if (Character.isDigit(c) || ((c == '-' || c == '+') && at + 1 < input.length()
                    && Character.isDigit(input.charAt(at + 1)))) {
                number();
            } else if (Character.isLetter(c) || c == '_') {
                word();
                add(Kind.IDENT, input.substring(start, at), start, at);
            } else {
                throw error(String.format("bad character U+%04X '%c'", (int) c, c));
            }
        }
    }

    private void word() {
        while (at < input.length() && (Character.isLetterOrDigit(input.charAt(at)) || input.charAt(at) == '_')) {
            at++;
        }
    }

    private void number() {
        int start = at;
        at++;
        while (at < input.length() && (Character.isLetterOrDigit(input.charAt(at)) || input.charAt(at) == '.'
                || ((input.charAt(at) == '-' || input.charAt(at) == '+') && "eEpP".indexOf(input.charAt(at - 1)) >= 0))) {
            at++;
        }
        add(Kind.NUMBER, input.substring(start, at), start, at);
    }

    private void quoted(char quote) throws TemplateException {
        int start = at;
        at++;
        while (true) {
            if (at >= input.length() || (quote == '"' && input.charAt(at) == '\n')) {
                throw error(quote == '"' ? "unterminated quoted string" : "unterminated raw quoted string");
            }
            char c = input.charAt(at++);
            if (c == '\\' && quote == '"') {
                at++;
            } else if (c == quote) {
                break;
            }
        }
        add(Kind.STRING, input.substring(start, at), start, at);
    }

    private void add(Kind kind, String text, int pos, int end) {
        tokens.add(new Token(kind, text, pos, end));
    }

    private TemplateException error(String message) {
        return new TemplateException(true, ":" + line(input, at) + ": " + message);
    }

    private static boolean space(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }
}
