package dev.tally.cli.format;

import java.util.List;

/**
 * The parsed form of a Go template, a flat list of node kinds. Each knows the position Go's errors
 * name ({@code :1:2:}) and prints as Go prints it in {@code at <...>}.
 */
final class TemplateNodes {

    private TemplateNodes() {
    }

    /** What a template is made of: text, actions and control structures. */
    sealed interface Node permits Text, Action, Control {
    }

    /** An operand of a command. */
    sealed interface Arg permits Field, Dot, Variable, Function, Literal, Nil, Chain {
        int pos();
    }

    record Text(String text) implements Node {
    }

    /** {@code {{pipeline}}}: prints the pipeline's value unless it declares variables. */
    record Action(Pipe pipe) implements Node {
    }

    /** {@code if}, {@code range} or {@code with}, with its list and its else list (may be empty). */
    record Control(String keyword, Pipe pipe, List<Node> list, List<Node> elseList) implements Node {
    }

    /** Commands joined by {@code |}, each command's value the last argument of the next; maybe declaring variables. */
    record Pipe(int pos, List<String> variables, List<Command> commands) {
        @Override
        public String toString() {
            String declared = variables.isEmpty() ? "" : String.join(", ", variables) + " := ";
            return declared + String.join(" | ", commands.stream().map(Command::toString).toList());
        }
    }

    record Command(int pos, List<Arg> args) {
        @Override
        public String toString() {
            return String.join(" ", args.stream().map(Object::toString).toList());
        }
    }

    /** {@code .A.B}: Go places a chain of two or more at its second name. */
    record Field(int pos, List<String> names) implements Arg {
        @Override
        public String toString() {
            return "." + String.join(".", names);
        }
    }

    record Dot(int pos) implements Arg {
        @Override
        public String toString() {
            return ".";
        }
    }

    /** {@code $name.A.B}; {@code $} alone is the data the template started with. */
    record Variable(int pos, String name, List<String> fields) implements Arg {
        @Override
        public String toString() {
            return fields.isEmpty() ? name : name + "." + String.join(".", fields);
        }
    }

    record Function(int pos, String name) implements Arg {
        @Override
        public String toString() {
            return name;
        }
    }

    /** A string, number or boolean written in the template; {@code text} as written. */
    record Literal(int pos, Object value, String text) implements Arg {
        @Override
        public String toString() {
            return text;
        }
    }

    record Nil(int pos) implements Arg {
        @Override
        public String toString() {
            return "nil";
        }
    }

    /** {@code (pipeline).A.B}. */
    record Chain(int pos, Pipe pipe, List<String> fields) implements Arg {
        @Override
        public String toString() {
            String inner = "(" + pipe + ")";
            return fields.isEmpty() ? inner : inner + "." + String.join(".", fields);
        }
    }
}
