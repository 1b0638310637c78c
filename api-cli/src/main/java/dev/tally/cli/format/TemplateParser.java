package dev.tally.cli.format;

import dev.tally.cli.format.TemplateLexer.Kind;
import dev.tally.cli.format.TemplateLexer.Token;
import dev.tally.cli.format.TemplateNodes.Action;
import dev.tally.cli.format.TemplateNodes.Arg;
import dev.tally.cli.format.TemplateNodes.Chain;
import dev.tally.cli.format.TemplateNodes.Command;
import dev.tally.cli.format.TemplateNodes.Control;
import dev.tally.cli.format.TemplateNodes.Dot;
import dev.tally.cli.format.TemplateNodes.Field;
import dev.tally.cli.format.TemplateNodes.Function;
import dev.tally.cli.format.TemplateNodes.Literal;
import dev.tally.cli.format.TemplateNodes.Nil;
import dev.tally.cli.format.TemplateNodes.Node;
import dev.tally.cli.format.TemplateNodes.Pipe;
import dev.tally.cli.format.TemplateNodes.Text;
import dev.tally.cli.format.TemplateNodes.Variable;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Builds the nodes of a Go template from its tokens, with Go's grammar and Go's parse errors:
 * {@code if}/{@code range}/{@code with} with {@code else} (and {@code else if}) and {@code end},
 * pipelines, parenthesized pipelines, variables (declared before use) and the functions of
 * {@link TemplateFunctions}.
 */
final class TemplateParser {

    private static final Set<String> CONTROLS = Set.of("if", "range", "with");
    private static final Set<String> UNSUPPORTED = Set.of("define", "template", "block", "break", "continue");

    /** How a list of nodes ended. */
    private enum Stop { END, ELSE, EOF }

    private final String input;
    private final List<Token> tokens;
    private final List<String> variables = new ArrayList<>(List.of("$"));
    private int next;
    private Stop stop;

    private TemplateParser(String input, List<Token> tokens) {
        this.input = input;
        this.tokens = tokens;
    }

    static List<Node> parse(String input) throws TemplateException {
        TemplateParser parser = new TemplateParser(input, TemplateLexer.lex(input));
        List<Node> nodes = parser.list();
        if (parser.stop != Stop.EOF) {
            throw parser.error(parser.tokens.get(parser.next - 1),
                    parser.stop == Stop.END ? "unexpected {{end}}" : "unexpected {{else}}");
        }
        return nodes;
    }

    /** Nodes up to an {@code {{end}}}, an {@code {{else}}} (its {@code }}} left unread) or the end. */
    private List<Node> list() throws TemplateException {
        List<Node> nodes = new ArrayList<>();
        while (true) {
            Token token = take();
            if (token.kind() == Kind.EOF) {
                stop = Stop.EOF;
                return nodes;
            }
            if (token.kind() == Kind.TEXT) {
                nodes.add(new Text(token.text()));
                continue;
            }
            Token first = peek();
            if (first.kind() == Kind.IDENT && first.text().equals("end")) {
                take();
                expect(Kind.RIGHT, "end");
                stop = Stop.END;
                return nodes;
            }
            if (first.kind() == Kind.IDENT && first.text().equals("else")) {
                take();
                stop = Stop.ELSE;
                return nodes;
            }
            if (first.kind() == Kind.IDENT && CONTROLS.contains(first.text())) {
                take();
                nodes.add(control(first.text()));
            } else {
                nodes.add(new Action(pipe("command", Kind.RIGHT)));
            }
        }
    }

    /** After {@code {{if}} (or range, with): its pipeline, list, else list and end. */
    private Control control(String keyword) throws TemplateException {
        int mark = variables.size();
        Pipe pipe = pipe(keyword, Kind.RIGHT);
        List<Node> list = list();
        List<Node> elseList = List.of();
        if (stop == Stop.ELSE) {
            Token after = peek();
            if (!keyword.equals("range") && after.kind() == Kind.IDENT && after.text().equals(keyword)) {
                take();
                elseList = List.of(control(keyword)); // "else if" shares this if's end
            } else {
                expect(Kind.RIGHT, "else");
                elseList = list();
                if (stop == Stop.ELSE) {
                    throw error(tokens.get(next - 1), "expected end; found {{else}}");
                }
            }
        }
        if (stop != Stop.END) {
            throw error(peek(), "unexpected EOF");
        }
        variables.subList(mark, variables.size()).clear();
        return new Control(keyword, pipe, list, elseList);
    }

    /** A pipeline up to {@code close} (the action's end or a closing parenthesis). */
    private Pipe pipe(String context, Kind close) throws TemplateException {
        int pos = peek().pos();
        List<String> declared = declarations(context);
        List<Command> commands = new ArrayList<>();
        while (true) {
            Token token = peek();
            if (token.kind() == close) {
                take();
                if (commands.isEmpty()) {
                    throw error(token, "missing value for " + context);
                }
                variables.addAll(declared);
                return new Pipe(pos, declared, commands);
            }
            if (token.kind() == Kind.EOF || token.kind() == Kind.RIGHT || token.kind() == Kind.RPAREN) {
                throw error(token, token.kind() == Kind.RPAREN ? "unexpected right paren" : "unclosed left paren");
            }
            commands.add(command(close));
            if (peek().kind() == Kind.PIPE) {
                take();
                if (peek().kind() == close) {
                    throw error(peek(), "missing command after |");
                }
            }
        }
    }

    private List<String> declarations(String context) throws TemplateException {
        List<String> names = new ArrayList<>();
        int start = next;
        while (peek().kind() == Kind.VARIABLE) {
            Token name = take();
            if (peek().kind() == Kind.COMMA && names.isEmpty() && context.equals("range")) {
                take();
                names.add(name.text());
                continue;
            }
            if (peek().kind() == Kind.DECLARE) {
                take();
                names.add(name.text());
                return names;
            }
            break;
        }
        next = start; // no declaration: the variables are operands
        return List.of();
    }

    private Command command(Kind close) throws TemplateException {
        int pos = peek().pos();
        List<Arg> args = new ArrayList<>();
        while (true) {
            Token token = peek();
            if (token.kind() == Kind.PIPE || token.kind() == close) {
                break;
            }
            args.add(operand());
        }
        return new Command(pos, args);
    }

    private Arg operand() throws TemplateException {
        Token token = take();
        switch (token.kind()) {
            case FIELD: {
                List<String> names = fields(token);
                return new Field(names.size() > 1 ? tokens.get(next - names.size() + 1).pos() : token.pos(), names);
            }
            case DOT:
                return new Dot(token.pos());
            case VARIABLE: {
                if (!variables.contains(token.text())) {
                    throw error(token, "undefined variable \"" + token.text() + "\"");
                }
                return new Variable(token.pos(), token.text(), fields(null));
            }
            case STRING:
                return new Literal(token.pos(), unquote(token), token.text());
            case NUMBER:
                return new Literal(token.pos(), number(token), token.text());
            case LPAREN: {
                Pipe pipe = pipe("parenthesized pipeline", Kind.RPAREN);
                return new Chain(token.pos(), pipe, fields(null));
            }
            case IDENT:
                return identifier(token);
            default:
                throw error(token, "unexpected " + describe(token) + " in operand");
        }
    }

    private Arg identifier(Token token) throws TemplateException {
        String name = token.text();
        switch (name) {
            case "true":
            case "false":
                return new Literal(token.pos(), Boolean.valueOf(name), name);
            case "nil":
                return new Nil(token.pos());
            default:
                if (CONTROLS.contains(name) || name.equals("else") || name.equals("end")) {
                    throw error(token, "unexpected <" + name + "> in command");
                }
                if (UNSUPPORTED.contains(name) || !TemplateFunctions.exists(name)) {
                    throw error(token, "function \"" + name + "\" not defined");
                }
                return new Function(token.pos(), name);
        }
    }

    /** The names of a field chain: the first token's (if any) and every field token right after it. */
    private List<String> fields(Token first) throws TemplateException {
        List<String> names = new ArrayList<>();
        int end = first == null ? tokens.get(next - 1).end() : first.end();
        if (first != null) {
            names.add(first.text().substring(1));
        }
        while (peek().kind() == Kind.FIELD && peek().pos() == end) {
            Token field = take();
            names.add(field.text().substring(1));
            end = field.end();
        }
        return names;
    }

    private Object number(Token token) throws TemplateException {
        String text = token.text().replace("_", "");
        try {
            if (text.matches("[+-]?\\d+")) {
                return Long.valueOf(text);
            }
            if (text.matches("[+-]?0[xX][0-9a-fA-F]+")) {
                return Long.decode(text);
            }
            return Double.valueOf(text);
        } catch (NumberFormatException e) {
            throw error(token, "bad number syntax: \"" + token.text() + "\"");
        }
    }

    private Object unquote(Token token) throws TemplateException {
        String raw = token.text();
        String body = raw.substring(1, raw.length() - 1);
        if (raw.charAt(0) == '`') {
            return body;
        }
        StringBuilder out = new StringBuilder(body.length());
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = body.charAt(++i);
            switch (e) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case '\\', '"', '\'' -> out.append(e);
                case 'x', 'u' -> {
                    int length = e == 'x' ? 2 : 4;
                    try {
                        out.appendCodePoint(Integer.parseInt(body.substring(i + 1, i + 1 + length), 16));
                    } catch (RuntimeException bad) {
                        throw error(token, "invalid syntax");
                    }
                    i += length;
                }
                default -> throw error(token, "invalid syntax");
            }
        }
        return out.toString();
    }

    private void expect(Kind kind, String context) throws TemplateException {
        Token token = take();
        if (token.kind() != kind) {
            throw error(token, "unexpected " + describe(token) + " in " + context);
        }
    }

    private Token peek() throws TemplateException {
        Token token = tokens.get(next);
        if (token.kind() == Kind.ERROR) {
            throw new TemplateException(true, token.text());
        }
        return token;
    }

    private Token take() throws TemplateException {
        Token token = peek();
        if (token.kind() != Kind.EOF) {
            next++;
        }
        return token;
    }

    private static String describe(Token token) {
        return switch (token.kind()) {
            case EOF -> "EOF";
            case RIGHT -> "}}";
            default -> "\"" + token.text() + "\"";
        };
    }

    private TemplateException error(Token at, String message) {
        return new TemplateException(true, ":" + TemplateLexer.line(input, at.pos()) + ": " + message);
    }
}
