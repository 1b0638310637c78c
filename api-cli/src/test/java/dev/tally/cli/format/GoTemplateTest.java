package dev.tally.cli.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import org.junit.jupiter.api.Test;

/** Go templates over an inspect answer; outputs and messages as docker 28's CLI prints them against tallyd. */
class GoTemplateTest {

    private static final String CONTAINER = """
            {"Id":"2109ab","Name":"/web","State":{"Status":"running","Running":true,"Pid":28749,"Health":null},
             "Config":{"Cmd":["sleep","300"],"Entrypoint":null,"Env":[],"Labels":{"b":"2","a":"1"},"Tty":false},
             "HostConfig":{"Memory":0,"LogConfig":{"Type":"json-file","Config":{}}},"Mounts":[]}""";

    private static String run(String template) throws Exception {
        return GoTemplate.parse(template).execute(JSON.std.anyFrom(CONTAINER));
    }

    private static String failure(String template) throws Exception {
        TemplateException e = assertThrows(TemplateException.class, () -> run(template));
        assertFalse(e.parsing(), "a failure of the template's use, not of its text");
        return e.getMessage();
    }

    private static String parseFailure(String template) {
        TemplateException e = assertThrows(TemplateException.class, () -> GoTemplate.parse(template));
        assertTrue(e.parsing());
        return e.getMessage();
    }

    @Test
    void fieldsAndChainsPrintTheirValues() throws Exception {
        assertEquals("running 28749 true /web", run("{{.State.Status}} {{.State.Pid}} {{.State.Running}} {{.Name}}"));
        assertEquals("[sleep 300] map[a:1 b:2] [] 0", run("{{.Config.Cmd}} {{.Config.Labels}} {{.Mounts}} {{.HostConfig.Memory}}"));
        assertEquals("<no value>", run("{{.Config.Entrypoint}}"));
        assertEquals("json-file", run("{{ .HostConfig.LogConfig.Type }}"));
        assertEquals("/web", run("{{$.Name}}"));
    }

    @Test
    void jsonKeepsAStructsOrderSortsAMapsKeysAndKeepsNulls() throws Exception {
        assertEquals("{\"Cmd\":[\"sleep\",\"300\"],\"Entrypoint\":null,\"Env\":[],\"Labels\":{\"a\":\"1\",\"b\":\"2\"},\"Tty\":false}",
                run("{{json .Config}}"));
        assertEquals("{\"Type\":\"json-file\",\"Config\":{}}", run("{{json .HostConfig.LogConfig}}"));
        assertEquals("[\"sleep\",\"300\"]", run("{{.Config.Cmd | json}}"));
        assertEquals("null", run("{{json .State.Health}}"));
    }

    @Test
    void controlStructuresVariablesAndPipelines() throws Exception {
        assertEquals("<sleep><300>", run("{{range .Config.Cmd}}<{{.}}>{{end}}"));
        assertEquals("0=sleep,1=300", run("{{range $i, $c := .Config.Cmd}}{{if $i}},{{end}}{{$i}}={{$c}}{{end}}"));
        assertEquals("a=1 b=2 ", run("{{range $k, $v := .Config.Labels}}{{$k}}={{$v}} {{end}}"));
        assertEquals("none", run("{{range .Mounts}}{{.}}{{else}}none{{end}}"));
        assertEquals("up", run("{{if eq .State.Status \"exited\"}}down{{else if .State.Running}}up{{else}}?{{end}}"));
        assertEquals("running", run("{{with .State}}{{.Status}}{{end}}"));
        assertEquals("/web", run("{{$n := .Name}}{{$n}}"));
        assertEquals("sleep,300 /WEB 2 300", run("{{join .Config.Cmd \",\"}} {{upper .Name}} {{len .Config.Cmd}} {{index .Config.Cmd 1}}"));
        assertEquals("5", run("{{.State.Pid | printf \"%d\" | len}}"));
        assertEquals("a/webb", run("a {{- .Name -}} b"));
        assertEquals("x", run("{{/* a comment */}}x"));
        assertEquals("01234", run("{{range 5}}{{.}}{{end}}"));
    }

    @Test
    void printFunctionsSpaceAndEndLinesAsGoDoes() throws Exception {
        assertEquals("1 2ab3|1 a\n", run("{{print 1 2 \"a\" \"b\" 3}}|{{println 1 \"a\"}}"));
        assertEquals("sleep\n300\n", run("{{range .Config.Cmd}}{{println .}}{{end}}"));
        assertEquals("\"/web\"   a|b    |", run("{{printf \"%q %3s|%-5s|\" .Name \"a\" \"b\"}}"));
    }

    @Test
    void valuesFromTheDataAreEscapedButTheTemplatesOwnTextIsNot() throws Exception {
        Object data = JSON.std.anyFrom("{\"Name\":\"a\\nb\\u001b[2J\",\"Odd\":\"\\u009b\"}");
        assertEquals("a\\nb\\x1b[2J\t", GoTemplate.parse("{{.Name}}{{\"\\t\"}}").execute(data));
        assertEquals("a\\nb\\x1b[2J\n", GoTemplate.parse("{{println .Name}}").execute(data));
        assertEquals("\"\\u009b\"", GoTemplate.parse("{{json .Odd}}").execute(data));
    }

    @Test
    void aMissingKeyIsAnErrorThatNamesItsPlaceAsDockerDoes() throws Exception {
        assertEquals("template parsing error: template: :1:2: executing \"\" at <.Bad>: map has no entry for key \"Bad\"",
                failure("{{.Bad}}"));
        assertEquals("template parsing error: template: :1:8: executing \"\" at <.State.Bad>: map has no entry for key \"Bad\"",
                failure("{{.State.Bad}}"));
        assertEquals("template parsing error: template: :1:11: executing \"\" at <.Bad>: map has no entry for key \"Bad\"",
                failure("{{.Name}}{{.Bad}}"));
        assertEquals("template parsing error: template: :1:9: executing \"\" at <.Config.Cmd.Bad>: "
                + "can't evaluate field Bad in type interface {}", failure("{{.Config.Cmd.Bad}}"));
        assertEquals("template parsing error: template: :1:8: executing \"\" at <.State.Health.Status>: "
                + "nil pointer evaluating interface {}.Status", failure("{{.State.Health.Status}}"));
    }

    @Test
    void badCallsAreErrorsOfTheirUse() throws Exception {
        assertEquals("template parsing error: template: :1:2: executing \"\" at <json>: wrong number of args for json: want 1 got 0",
                failure("{{json}}"));
        assertEquals("template parsing error: template: :1:2: executing \"\" at <index .Config.Cmd 5>: "
                + "error calling index: index out of range: 5", failure("{{index .Config.Cmd 5}}"));
        assertEquals("template parsing error: template: :1:2: executing \"\" at <.Name>: Name is not a method but has arguments",
                failure("{{.Name \"x\"}}"));
        assertEquals("template parsing error: template: :1:2: executing \"\" at <nil>: nil is not a command", failure("{{nil}}"));
    }

    @Test
    void aTemplateGoWouldNotParseIsRefusedWithGosMessage() {
        assertEquals("template parsing error: template: :1: unclosed action", parseFailure("{{.Name"));
        assertEquals("template parsing error: template: :1: function \"bad\" not defined", parseFailure("{{bad"));
        assertEquals("template parsing error: template: :1: bad character U+007D '}'", parseFailure("{{.Name}"));
        assertEquals("template parsing error: template: :1: unexpected {{end}}", parseFailure("{{end}}"));
        assertEquals("template parsing error: template: :1: unexpected EOF", parseFailure("{{range .Config.Cmd}}"));
        assertEquals("template parsing error: template: :1: missing value for command", parseFailure("{{}}"));
        assertEquals("template parsing error: template: :2: undefined variable \"$x\"", parseFailure("a\n{{$x}}"));
        assertEquals("template parsing error: template: :1: unterminated quoted string", parseFailure("{{\"abc}}"));
    }

    @Test
    void textWithoutActionsIsPrintedAsIs() throws Exception {
        assertEquals("plain \\t text", run("plain \\t text"));
    }
}
