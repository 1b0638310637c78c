package dev.tally.cli.format;

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
import java.util.Map;

/**
 * docker's {@code inspect -f} templates: Go's text/template over the JSON the daemon answered, as
 * docker runs them when its typed structs do not fit (a map per object, a missing key an error).
 * Fields and chains ({@code {{.State.Status}}}), {@code if}/{@code range}/{@code with} with
 * {@code else}, variables, pipelines and the functions of {@link TemplateFunctions} ({@code json},
 * {@code index}, {@code join} …). Hand-written: the JDK and our libraries read no Go templates, and
 * the CLI starts a JVM per command. Every value from the data passes through
 * {@link TerminalText#escape} as it is printed; the template's own text (and a println's newline)
 * is printed as written.
 */
public final class GoTemplate {

    /** Marks "no final argument" for the first command of a pipeline (null is a value: JSON's null). */
    private static final Object NONE = new Object();

    private final String source;
    private final List<Node> nodes;

    private GoTemplate(String source, List<Node> nodes) {
        this.source = source;
        this.nodes = nodes;
    }

    /** @throws TemplateException ({@link TemplateException#parsing()}) for a template Go would not parse */
    public static GoTemplate parse(String template) throws TemplateException {
        return new GoTemplate(template, TemplateParser.parse(template));
    }

    /** The template's output for one object (a parsed JSON value). */
    public String execute(Object data) throws TemplateException {
        StringBuilder out = new StringBuilder();
        new Run(data, out).list(nodes, data);
        return out.toString();
    }

    /** One execution: the output so far and the variables in scope. */
    private final class Run {
        private final StringBuilder out;
        private final List<String> names = new ArrayList<>();
        private final List<Object> values = new ArrayList<>();

        Run(Object root, StringBuilder out) {
            this.out = out;
            names.add("$");
            values.add(root);
        }

        void list(List<Node> list, Object dot) throws TemplateException {
            for (Node node : list) {
                if (node instanceof Text text) {
                    out.append(text.text());
                } else if (node instanceof Action action) {
                    Object value = pipe(action.pipe(), dot);
                    if (!action.pipe().variables().isEmpty()) {
                        continue;
                    }
                    if (literal(action.pipe())) {
                        out.append(value); // the template's own text, {{"\t"}} a tab
                    } else {
                        out.append(value == null ? "<no value>" : GoValues.shown(value));
                    }
                } else {
                    control((Control) node, dot);
                }
            }
        }

        private boolean literal(Pipe pipe) {
            return pipe.commands().size() == 1 && pipe.commands().get(0).args().size() == 1
                    && pipe.commands().get(0).args().get(0) instanceof Literal;
        }

        private void control(Control control, Object dot) throws TemplateException {
            int mark = names.size();
            Pipe pipe = control.pipe();
            if (control.keyword().equals("range")) {
                range(control, dot, mark);
            } else {
                Object value = pipe(pipe.variables().isEmpty() ? pipe : undeclared(pipe), dot);
                declare(pipe.variables(), value);
                boolean chosen = GoValues.truth(value);
                Object inner = control.keyword().equals("with") && chosen ? value : dot;
                list(chosen ? control.list() : control.elseList(), inner);
            }
            pop(mark);
        }

        private void range(Control control, Object dot, int mark) throws TemplateException {
            Pipe pipe = control.pipe();
            Object value = pipe(undeclared(pipe), dot);
            List<Object[]> entries = GoValues.entries(value);
            if (entries == null) {
                throw error(pipe.pos(), pipe.toString(), "range can't iterate over " + GoValues.print(value));
            }
            for (Object[] entry : entries) {
                if (pipe.variables().size() == 1) {
                    declare(pipe.variables(), entry[1]);
                } else if (pipe.variables().size() == 2) {
                    declare(pipe.variables().subList(0, 1), entry[0]);
                    declare(pipe.variables().subList(1, 2), entry[1]);
                }
                list(control.list(), entry[1]);
                pop(mark);
            }
            if (entries.isEmpty()) {
                list(control.elseList(), dot);
            }
        }

        private Pipe undeclared(Pipe pipe) {
            return new Pipe(pipe.pos(), List.of(), pipe.commands());
        }

        private Object pipe(Pipe pipe, Object dot) throws TemplateException {
            Object value = NONE;
            for (Command command : pipe.commands()) {
                value = command(command, dot, value);
            }
            declare(pipe.variables(), value);
            return value;
        }

        private void declare(List<String> variables, Object value) {
            for (String name : variables) {
                names.add(name);
                values.add(value);
            }
        }

        private void pop(int mark) {
            names.subList(mark, names.size()).clear();
            values.subList(mark, values.size()).clear();
        }

        private Object command(Command command, Object dot, Object last) throws TemplateException {
            Arg first = command.args().get(0);
            boolean extra = command.args().size() > 1 || last != NONE;
            if (first instanceof Function function) {
                List<Object> args = new ArrayList<>();
                for (Arg arg : command.args().subList(1, command.args().size())) {
                    args.add(arg(arg, dot));
                }
                if (last != NONE) {
                    args.add(last);
                }
                return call(function, command, args);
            }
            if (first instanceof Nil nil) {
                throw error(nil.pos(), "nil", "nil is not a command");
            }
            if (extra && (first instanceof Field || first instanceof Variable || first instanceof Chain)) {
                List<String> names = first instanceof Field f ? f.names()
                        : first instanceof Variable v ? v.fields() : ((Chain) first).fields();
                if (!names.isEmpty()) {
                    throw error(first.pos(), first.toString(), names.get(names.size() - 1) + " is not a method but has arguments");
                }
            }
            if (extra) {
                throw error(first.pos(), first.toString(), "can't give argument to non-function " + first);
            }
            return arg(first, dot);
        }

        private Object call(Function function, Command command, List<Object> args) throws TemplateException {
            try {
                return TemplateFunctions.call(function.name(), args);
            } catch (TemplateFunctions.Failure failure) {
                String message = failure.arity ? failure.getMessage()
                        : "error calling " + function.name() + ": " + failure.getMessage();
                throw error(failure.arity ? function.pos() : command.pos(),
                        failure.arity ? function.toString() : command.toString(), message);
            }
        }

        private Object arg(Arg arg, Object dot) throws TemplateException {
            if (arg instanceof Field field) {
                return fields(dot, field.names(), field);
            }
            if (arg instanceof Dot) {
                return dot;
            }
            if (arg instanceof Variable variable) {
                return fields(variable(variable.name()), variable.fields(), variable);
            }
            if (arg instanceof Literal literal) {
                return literal.value();
            }
            if (arg instanceof Chain chain) {
                return fields(pipe(chain.pipe(), dot), chain.fields(), chain);
            }
            if (arg instanceof Function function) {
                return call(function, new Command(function.pos(), List.of(function)), new ArrayList<>());
            }
            return null;
        }

        private Object variable(String name) {
            return values.get(names.lastIndexOf(name));
        }

        /** {@code .A.B} of a value: missing keys are errors, as in docker's templates over JSON. */
        private Object fields(Object receiver, List<String> names, Arg node) throws TemplateException {
            Object value = receiver;
            for (String name : names) {
                if (value instanceof Map<?, ?> map) {
                    if (!map.containsKey(name)) {
                        throw error(node.pos(), node.toString(), "map has no entry for key \"" + name + "\"");
                    }
                    value = map.get(name);
                } else if (value == null) {
                    throw error(node.pos(), node.toString(), "nil pointer evaluating interface {}." + name);
                } else {
                    throw error(node.pos(), node.toString(), "can't evaluate field " + name + " in type interface {}");
                }
            }
            return value;
        }

        private TemplateException error(int pos, String context, String message) {
            int lineStart = source.lastIndexOf('\n', pos - 1) + 1;
            String at = context.length() > 20 ? context.substring(0, 20) + "..." : context;
            return new TemplateException(false, ":" + TemplateLexer.line(source, pos) + ":" + (pos - lineStart)
                    + ": executing \"\" at <" + at + ">: " + message);
        }
    }
}
