package dev.tally.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.cli.CliException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --mount} and {@code --env-file} read as the docker CLI reads them. */
class MountAndEnvFileTest {

    @TempDir
    Path dir;

    @Test
    void aMountIsTheEntryTheDockerCliSends() {
        assertEquals(Map.of("Type", "bind", "Source", "/srv", "Target", "/s", "ReadOnly", true,
                        "BindOptions", Map.of("Propagation", "rprivate")),
                MountSpec.parse("type=bind,src=/srv,dst=/s,readonly,bind-propagation=rprivate"));
        assertEquals(Map.of("Type", "volume", "Source", "data", "Target", "/d", "ReadOnly", false,
                        "VolumeOptions", Map.of("NoCopy", true, "Labels", Map.of("a", "b"))),
                MountSpec.parse("source=data,target=/d,ro=false,volume-nocopy,volume-label=a=b"));
        assertEquals(Map.of("Type", "tmpfs", "Target", "/t", "TmpfsOptions", Map.of("SizeBytes", 1048576L, "Mode", 01770)),
                MountSpec.parse("type=tmpfs,destination=/t,tmpfs-size=1m,tmpfs-mode=1770"));
    }

    @Test
    void whatIsNoMountGetsTheDockerClisReason() {
        Map<String, String> reasons = Map.of(
                "type=bind,source=/tmp", "target is required",
                "type=bind,target=/t,bogus", "invalid field 'bogus' must be a key=value pair",
                "type=bind,target=/t,colour=red", "unexpected key 'colour' in 'colour=red'",
                "type=bind,target=/t,readonly=maybe", "invalid value for 'readonly=maybe'",
                "type=bind,target=/t,volume-nocopy", "cannot mix 'volume-*' options with mount type 'bind'",
                "type=tmpfs,target=/t,tmpfs-size=lots", "invalid size: 'lots'");
        reasons.forEach((spec, reason) ->
                assertEquals(reason, assertThrows(IllegalArgumentException.class, () -> MountSpec.parse(spec)).getMessage(), spec));
        ContainerOptions options = new ContainerOptions();
        options.image = "busybox";
        options.mounts.add("type=bind,source=/tmp");
        CliException e = assertThrows(CliException.class, () -> options.toCreateBody(false, null, Map.of()));
        assertEquals("invalid argument \"type=bind,source=/tmp\" for \"--mount\" flag: target is required", e.getMessage());
        assertEquals(125, e.exitCode());
    }

    @Test
    void envFilesComeBeforeEAndNameOnlyLinesTakeTheCallersValue() throws Exception {
        Path file = Files.write(dir.resolve("env"), ("\uFEFFA=1\n# a comment\n\n   B=two words = \"quoted\"\r\nHOME\nUNSET\n")
                .getBytes(StandardCharsets.UTF_8));
        ContainerOptions options = new ContainerOptions();
        options.image = "busybox";
        options.envFiles.add(file.toString());
        options.env.add("A=from-e");
        Map<String, Object> body = options.toCreateBody(false, null, Map.of("HOME", "/home/alice"));
        assertEquals(List.of("A=1", "B=two words = \"quoted\"", "HOME=/home/alice", "A=from-e"), body.get("Env"));
    }

    @Test
    void aBadEnvFileIsAOneLineError() throws Exception {
        Map<String, String> bad = Map.of(
                "=x\n", "no variable name on line '=x'",
                "MY VAR=1\n", "variable 'MY VAR' contains whitespaces");
        for (Map.Entry<String, String> b : bad.entrySet()) {
            Path file = Files.writeString(dir.resolve("bad"), b.getKey());
            CliException e = assertThrows(CliException.class, () -> EnvFile.read(file));
            assertEquals(b.getValue(), e.getMessage());
        }
        Path latin1 = Files.write(dir.resolve("latin1"), new byte[] {'A', '=', '1', '\n', 'B', '=', (byte) 0xe9, '\n'});
        assertEquals("env file " + latin1 + " contains invalid utf8 bytes at line 2",
                assertThrows(CliException.class, () -> EnvFile.read(latin1)).getMessage());
        Path none = dir.resolve("none");
        CliException missing = assertThrows(CliException.class, () -> EnvFile.read(none));
        assertEquals("open " + none + ": no such file or directory", missing.getMessage());
        assertEquals(125, missing.exitCode());
    }

    @Test
    void aVWithAPathAloneIsAnAnonymousVolumeInVolumes() {
        ContainerOptions options = new ContainerOptions();
        options.image = "busybox";
        options.volumes.addAll(List.of("/data", "named:/n", "/srv:/s:ro", "empty:/e:ro,nocopy"));
        Map<String, Object> body = options.toCreateBody(false, null, Map.of());
        assertEquals(Map.of("/data", Map.of()), body.get("Volumes"));
        assertEquals(List.of("named:/n", "/srv:/s:ro", "empty:/e:ro,nocopy"), ((Map<?, ?>) body.get("HostConfig")).get("Binds"));
        options.volumes.add("relative");
        CliException e = assertThrows(CliException.class, () -> options.toCreateBody(false, null, Map.of()));
        assertEquals("invalid argument \"relative\" for \"-v, --volume\" flag: invalid volume specification: 'relative'",
                e.getMessage());
    }

    /** As the docker CLI: StopSignal and StopTimeout only when given (a timeout of 0 is given). */
    @Test
    void theStopSignalAndTimeoutAreInTheBodyOnlyWhenGiven() {
        ContainerOptions options = new ContainerOptions();
        options.image = "busybox";
        Map<String, Object> plain = options.toCreateBody(false, null, Map.of());
        assertTrue(!plain.containsKey("StopSignal") && !plain.containsKey("StopTimeout"), plain.toString());
        options.stopSignal = "SIGUSR1";
        options.stopTimeout = 0;
        Map<String, Object> body = options.toCreateBody(false, null, Map.of());
        assertEquals("SIGUSR1", body.get("StopSignal"));
        assertEquals(0, body.get("StopTimeout"));
    }
}
