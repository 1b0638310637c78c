package dev.tally.cli.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TerminalTextTest {

    @Test
    void ordinaryTextIsPrintedAsItIs() {
        String text = "web_1.a-b sha256:ff \\n \"quoted\" größe 名前";
        assertSame(text, TerminalText.escape(text));
        assertEquals("", TerminalText.escape((String) null));
    }

    @Test
    void lineBreaksAndTabsAreEscapedLikeGo() {
        assertEquals("a\\nb\\r\\tc\\a\\b\\f\\v", TerminalText.escape("a\nb\r\tc\u0007\b\f\u000b"));
    }

    @Test
    void everyOtherC0ControlAndDelIsAHexEscape() {
        assertEquals("\\x00\\x1b[2J\\x1b]0;title\\x07\\x7f".replace("\\x07", "\\a"),
                TerminalText.escape("\u0000\u001b[2J\u001b]0;title\u0007\u007f"));
        for (int c = 0; c < 0x20; c++) {
            String escaped = TerminalText.escape(String.valueOf((char) c));
            assertTrue(escaped.startsWith("\\"), "control " + c + " printed as " + escaped);
        }
    }

    @Test
    void c1ControlsAndUnicodeLineAndBidiControlsAreEscaped() {
        assertEquals("\\u009b2J\\u0085\\u2028\\u2029\\u202e\\u2066", TerminalText.escape("\u009b2J\u0085\u2028\u2029\u202e\u2066"));
    }

    @Test
    void escapingIsIdempotent() {
        String once = TerminalText.escape("x\n\u001b[31my\u009b");
        assertEquals(once, TerminalText.escape(once));
    }

    @Test
    void aForgedRowStaysInsideItsCell() {
        String forged = "x\n2026-12-04 21:00:00   1   root   container.create   container/evil   allowed";
        List<String> lines = TextTable.align(List.of("OBJECT\tOUTCOME", "container/" + forged + "\tdenied (400)"));
        assertEquals(2, lines.size());
        lines.forEach(line -> assertTrue(line.chars().noneMatch(c -> c < 0x20), line));
        assertTrue(lines.get(1).startsWith("container/x\\n2026-12-04"), lines.get(1));
    }

    @Test
    void eventLinesEscapeEveryValue() {
        Map<String, Object> event = Map.of("Type", "container", "Action", "create\u001b[2J",
                "Actor", Map.of("ID", "ab\ncd", "Attributes", Map.of("name", "a\u001b]8;;x\u0007")));
        assertEquals("container create\\x1b[2J ab\\ncd (name=a\\x1b]8;;x\\a)", EventLine.format(event, ZoneOffset.UTC));
    }

    @Test
    void templateValuesAreEscapedButTheUsersOwnTabsStay() {
        FormatTemplate template = FormatTemplate.parse("{{.Names}}\\t{{.ID}}", "");
        assertEquals("a\\nb\tid", template.render(field -> field.equals("Names") ? "a\nb" : "id"));
    }
}
