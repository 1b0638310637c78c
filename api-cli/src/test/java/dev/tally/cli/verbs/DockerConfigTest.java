package dev.tally.cli.verbs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.cli.CliException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** config.json as the docker CLI keeps it: {@code auths}, and credential helpers ({@code credsStore}, {@code credHelpers}). */
class DockerConfigTest {

    private static final String SECRET = "Helper-kept-9931";

    @TempDir
    Path dir;
    private Path helpers;
    private Path file;

    /** The test helper, executable, keeping its files in its own directory. */
    @BeforeEach
    void helper() throws Exception {
        helpers = Files.createDirectories(dir.resolve("bin"));
        Path script = helpers.resolve("docker-credential-tallytest");
        try (var in = getClass().getResourceAsStream("/credential-helper/docker-credential-tallytest")) {
            Files.copy(in, script);
        }
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        file = dir.resolve("docker/config.json");
    }

    private DockerConfig config() {
        return new DockerConfig(file, List.of(dir.resolve("nowhere"), helpers));
    }

    @Test
    void withoutAHelperTheCredentialsAreInAuths() throws Exception {
        config().store("127.0.0.1:5000", "alice", SECRET);
        assertTrue(Files.readString(file).contains("\"auth\""));
        assertArrayEquals(new String[] {"alice", SECRET}, config().credentials("127.0.0.1:5000"));
        assertTrue(config().remove("127.0.0.1:5000"));
        assertNull(config().credentials("127.0.0.1:5000"));
    }

    @Test
    void credsStoreKeepsEverySecretInTheHelperAndTheFileKeepsNone() throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{\"credsStore\": \"tallytest\", \"psFormat\": \"table {{.ID}}\"}");

        config().store("127.0.0.1:5000", "alice", SECRET);
        config().store("docker.io", "bob", SECRET + "-hub");

        String text = Files.readString(file);
        assertFalse(text.contains(SECRET) || text.contains("\"auth\""), text);
        assertTrue(text.contains("127.0.0.1:5000") && text.contains("psFormat"), text);
        assertArrayEquals(new String[] {"alice", SECRET}, config().credentials("127.0.0.1:5000"));
        assertArrayEquals(new String[] {"bob", SECRET + "-hub"}, config().credentials("docker.io"));
        assertNull(config().credentials("127.0.0.1:6000"));
        assertTrue(Files.readString(helpers.resolve("helper.log")).contains("store https://index.docker.io/v1/"));
        assertTrue(config().remove("127.0.0.1:5000"));
        assertNull(config().credentials("127.0.0.1:5000"));
        assertFalse(config().remove("127.0.0.1:5000"));
    }

    @Test
    void credHelpersNameTheHelperOfOneRegistryAndTheOthersStayInAuths() throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{\"credHelpers\": {\"127.0.0.1:5000\": \"tallytest\"}}");

        config().store("127.0.0.1:5000", "alice", SECRET);
        config().store("127.0.0.1:6000", "carol", "in-the-file");

        assertFalse(Files.readString(file).contains(SECRET));
        assertEquals(1, Files.readAllLines(helpers.resolve("helper.log")).size());
        assertArrayEquals(new String[] {"alice", SECRET}, config().credentials("127.0.0.1:5000"));
        assertArrayEquals(new String[] {"carol", "in-the-file"}, config().credentials("127.0.0.1:6000"));
    }

    @Test
    void aHelperThatIsNotThereIsSaidSoWithoutASecret() throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{\"credsStore\": \"missing\"}");
        CliException e = assertThrows(CliException.class, () -> config().store("127.0.0.1:5000", "alice", SECRET));
        assertTrue(e.getMessage().contains("docker-credential-missing is not on the PATH"), e.getMessage());
        assertFalse(e.getMessage().contains(SECRET));
        Files.writeString(file, "{\"credsStore\": \"../bin/docker-credential-tallytest\"}");
        assertThrows(CliException.class, () -> config().credentials("127.0.0.1:5000"));
    }
}
