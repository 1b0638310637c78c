package dev.tally.cli.run;

import dev.tally.cli.CliException;
import dev.tally.cli.ExitCodeMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * docker's {@code --env-file}: one variable a line, {@code NAME=VALUE} taken as written (no quotes
 * removed, no expansion), {@code NAME} alone for the caller's value of it; leading blanks, blank
 * lines and lines starting with {@code #} are skipped, and a byte-order mark at the start.
 */
final class EnvFile {

    private EnvFile() {
    }

    /** The file's variables, in order; {@code NAME} entries stay bare for the caller's environment. */
    static List<String> read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw fail("open " + file + ": no such file or directory");
        } catch (IOException e) {
            throw fail("open " + file + ": " + e.getMessage());
        }
        List<String> vars = new ArrayList<>();
        String[] lines = text(file, bytes).split("\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n];
            if (n == 0 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            line = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
            line = line.stripLeading();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            String name = eq < 0 ? line : line.substring(0, eq);
            if (name.isEmpty()) {
                throw fail("no variable name on line '" + line + "'");
            }
            if (name.chars().anyMatch(Character::isWhitespace)) {
                throw fail("variable '" + name + "' contains whitespaces");
            }
            vars.add(line);
        }
        return vars;
    }

    /** The file as UTF-8; a line that is not is named by its number, as the docker CLI does. */
    private static String text(Path file, byte[] bytes) {
        int line = 1;
        int from = 0;
        for (int i = 0; i <= bytes.length; i++) {
            if (i == bytes.length || bytes[i] == '\n') {
                try {
                    StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, from, i - from));
                } catch (CharacterCodingException e) {
                    throw fail("env file " + file + " contains invalid utf8 bytes at line " + line);
                }
                line++;
                from = i + 1;
            }
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static CliException fail(String message) {
        return new CliException(message, ExitCodeMapper.RUN_FAILURE);
    }
}
