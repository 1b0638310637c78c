package dev.tally.rest.body;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tally.domain.DomainException;
import dev.tally.domain.access.AccessPolicy;
import dev.tally.domain.container.AskedOption;
import dev.tally.domain.container.ContainerConfig;
import dev.tally.domain.container.ContainerOption;
import dev.tally.domain.container.ContainerOptionPolicy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code HostConfig.Mounts} as the docker CLI's {@code --mount} and the SDKs send it. */
class MountEntriesTest {

    private static ContainerCreateBody body(String mounts) {
        return body(mounts, "");
    }

    private static ContainerCreateBody body(String mounts, String moreHostConfig) {
        String json = "{\"Image\":\"busybox\",\"HostConfig\":{\"Mounts\":" + mounts + moreHostConfig + "}}";
        return Bodies.read(json.getBytes(StandardCharsets.UTF_8), ContainerCreateBody.class);
    }

    private static String invalid(String mounts) {
        return invalid(mounts, "");
    }

    private static String invalid(String mounts, String moreHostConfig) {
        DomainException e = assertThrows(DomainException.class, () -> {
            ContainerCreateBody b = body(mounts, moreHostConfig);
            b.config();
            b.askedOptions();
        });
        assertEquals(DomainException.Kind.INVALID, e.kind());
        return e.getMessage();
    }

    /** What an admin is told (the table's difference between roles is ContainerOptionPolicyTest's). */
    private static Optional<String> refusal(ContainerCreateBody b) {
        return ContainerOptionPolicy.firstRefusal(b.config(), b.askedOptions(), true, new AccessPolicy(null, null, List.of()),
                AskedOptionsTest.HOST).map(ContainerOptionPolicy.Refusal::message);
    }

    @Test
    void aBindAVolumeAndATmpfsAreWhatVAndTmpfsGive() {
        ContainerCreateBody b = body("[{\"Type\":\"bind\",\"Source\":\"/srv/a\",\"Target\":\"/a\",\"ReadOnly\":true,"
                + "\"BindOptions\":{\"Propagation\":\"rprivate\"},\"Consistency\":\"cached\"},"
                + "{\"Type\":\"volume\",\"Source\":\"data\",\"Target\":\"/data\",\"VolumeOptions\":{\"NoCopy\":true,"
                + "\"DriverConfig\":{\"Name\":\"local\"}}},"
                + "{\"Type\":\"tmpfs\",\"Target\":\"/run\",\"TmpfsOptions\":{\"SizeBytes\":67108864,\"Mode\":1023}},"
                + "{\"Type\":\"tmpfs\",\"Target\":\"/ro\",\"ReadOnly\":true}]", ",\"Binds\":[\"v:/v\"]");
        ContainerConfig c = b.config();
        assertEquals(List.of(new ContainerConfig.Mount("v", "/v", false), new ContainerConfig.Mount("/srv/a", "/a", true),
                new ContainerConfig.Mount("data", "/data", false, true)), c.mounts());
        assertEquals(Map.of("/run", "size=67108864,mode=1777", "/ro", "ro"), c.tmpfs());
        assertEquals(List.of(new AskedOption(ContainerOption.MOUNTS_HOST, "/srv/a")), b.askedOptions());
        assertEquals(Optional.empty(), refusal(b));
    }

    @Test
    void nocopyIsAVolumesModeAndABindMayNotHaveIt() {
        ContainerCreateBody b = body("[{\"Type\":\"volume\",\"Target\":\"/anon\",\"VolumeOptions\":{\"NoCopy\":true}},"
                + "{\"Type\":\"volume\",\"Source\":\"copied\",\"Target\":\"/copied\"}]",
                ",\"Binds\":[\"v:/v:nocopy\",\"w:/w:ro,nocopy\",\"x:/x:ro\"]");
        assertEquals(List.of(new ContainerConfig.Mount("v", "/v", false, true), new ContainerConfig.Mount("w", "/w", true, true),
                new ContainerConfig.Mount("x", "/x", true, false), new ContainerConfig.Mount("", "/anon", false, true),
                new ContainerConfig.Mount("copied", "/copied", false, false)), b.config().mounts());
        assertEquals("invalid mount config for type \"bind\": field VolumeOptions must not be specified",
                invalid("[]", ",\"Binds\":[\"/srv/a:/a:nocopy\"]"));
        assertEquals("invalid mode: nocp", invalid("[]", ",\"Binds\":[\"v:/v:nocp\"]"));
    }

    @Test
    void aVolumeWithoutASourceAndAPathInVolumesAreAnonymousVolumesUnlessAMountHasThePath() {
        ContainerCreateBody b = Bodies.read(("{\"Image\":\"busybox\",\"Volumes\":{\"/anon\":{},\"/t/\":{},\"/b\":{}},"
                + "\"HostConfig\":{\"Binds\":[\"v:/b\"],\"Tmpfs\":{\"/t\":\"\"},"
                + "\"Mounts\":[{\"Type\":\"volume\",\"Target\":\"/m\",\"ReadOnly\":true}]}}").getBytes(StandardCharsets.UTF_8),
                ContainerCreateBody.class);
        assertEquals(List.of(new ContainerConfig.Mount("v", "/b", false), new ContainerConfig.Mount("", "/m", true),
                new ContainerConfig.Mount("", "/anon", false)), b.config().mounts());
        assertEquals(Optional.empty(), refusal(b));
        DomainException relative = assertThrows(DomainException.class, () -> Bodies.read(
                "{\"Image\":\"busybox\",\"Volumes\":{\"data\":{}}}".getBytes(StandardCharsets.UTF_8), ContainerCreateBody.class)
                .config());
        assertEquals("invalid volume specification: 'data': the path must be absolute", relative.getMessage());
    }

    @Test
    void whatTallyWouldNotApplyAsAskedIsRefusedNamingTheEntry() {
        Map<String, String> asked = Map.of(
                "[{\"Type\":\"bind\",\"Source\":\"/srv\",\"Target\":\"/s\",\"BindOptions\":{\"Propagation\":\"rshared\"}}]",
                "type=bind,target=/s (BindOptions.Propagation)",
                "[{\"Type\":\"bind\",\"Source\":\"/srv\",\"Target\":\"/s\",\"BindOptions\":{\"NonRecursive\":true}}]",
                "type=bind,target=/s (BindOptions.NonRecursive)",
                "[{\"Type\":\"volume\",\"Source\":\"v\",\"Target\":\"/v\",\"VolumeOptions\":{\"Labels\":{\"a\":\"b\"}}}]",
                "type=volume,target=/v (VolumeOptions.Labels)",
                "[{\"Type\":\"volume\",\"Source\":\"v\",\"Target\":\"/v\",\"VolumeOptions\":{\"DriverConfig\":{\"Name\":\"nfs\"}}}]",
                "type=volume,target=/v (VolumeOptions.DriverConfig)",
                "[{\"Type\":\"tmpfs\",\"Target\":\"/t\",\"TmpfsOptions\":{\"Options\":[[\"exec\"]]}}]",
                "type=tmpfs,target=/t (TmpfsOptions.Options)",
                "[{\"Type\":\"npipe\",\"Source\":\"x\",\"Target\":\"/p\"}]", "type=npipe");
        asked.forEach((mounts, what) -> {
            ContainerCreateBody b = body(mounts);
            assertEquals(Optional.of("--mount " + what + " is not supported: HostConfig.Mounts"), refusal(b), mounts);
            assertEquals(List.of(), b.config().mounts(), mounts);
            assertEquals(Map.of(), b.config().tmpfs(), mounts);
        });
    }

    @Test
    void anEntryThatIsNoMountGetsDockerdsMessage() {
        assertEquals("invalid mount config for type \"bind\": field Target must not be empty",
                invalid("[{\"Type\":\"bind\",\"Source\":\"/srv\"}]"));
        assertEquals("invalid mount config for type \"bind\": field Source must not be empty",
                invalid("[{\"Type\":\"bind\",\"Target\":\"/srv\"}]"));
        assertEquals("invalid mount config for type \"bind\": invalid mount path: 'srv' mount path must be absolute",
                invalid("[{\"Type\":\"bind\",\"Source\":\"srv\",\"Target\":\"/srv\"}]"));
        assertEquals("invalid mount config for type \"volume\": invalid mount path: 'data' mount path must be absolute",
                invalid("[{\"Type\":\"volume\",\"Source\":\"v\",\"Target\":\"data\"}]"));
        assertEquals("invalid mount config for type \"tmpfs\": field Source must not be specified",
                invalid("[{\"Type\":\"tmpfs\",\"Source\":\"x\",\"Target\":\"/t\"}]"));
        assertEquals("invalid mount config for type \"volume\": field BindOptions must not be specified",
                invalid("[{\"Type\":\"volume\",\"Source\":\"v\",\"Target\":\"/t\",\"BindOptions\":{}}]"));
        assertEquals("invalid mount config for type \"\": field Type must not be empty",
                invalid("[{\"Target\":\"/t\"}]"));
        assertEquals("invalid mount config for type \"volume\": invalid volume name: '/etc'",
                invalid("[{\"Type\":\"volume\",\"Source\":\"/etc\",\"Target\":\"/t\"}]"));
        assertEquals("invalid mount config: expected a string, got 3", invalid("[{\"Type\":3}]"));
    }

    @Test
    void theSameTargetTwiceIsADuplicateMountPointHoweverAsked() {
        assertEquals("Duplicate mount point: /d", invalid("[{\"Type\":\"volume\",\"Source\":\"a\",\"Target\":\"/d\"}]",
                ",\"Binds\":[\"b:/d/\"]"));
        assertEquals("Duplicate mount point: /d", invalid("[{\"Type\":\"tmpfs\",\"Target\":\"/d\"}]",
                ",\"Tmpfs\":{\"/d\":\"\"}"));
        assertEquals("Duplicate mount point: /d", invalid("[]", ",\"Binds\":[\"a:/d\",\"b:/d\"]"));
        for (String overRoot : new String[] {"[{\"Type\":\"tmpfs\",\"Target\":\"/\"}]",
                "[{\"Type\":\"volume\",\"Source\":\"v\",\"Target\":\"//\"}]"}) {
            assertEquals("invalid mount config: invalid specification: destination can't be '/'", invalid(overRoot));
        }
        assertEquals("invalid mount config: invalid specification: destination can't be '/'",
                invalid("[]", ",\"Binds\":[\"v:/\"]"));
    }

    /**
     * A target is the path it names, as runc resolves it when it mounts: the root spelt with {@code .}
     * or {@code ..} is the root, and one target spelt two ways is one mount point. Compared as
     * written, {@code --mount type=volume,target=/.} passed the refusal above and went to runc, which
     * resolves it to the container's root.
     */
    @Test
    void aTargetIsThePathItNamesHoweverSpelt() {
        for (String root : new String[] {"/.", "/..", "//./", "/proc/..", "/tmp/../.", "/../../.."}) {
            assertEquals("invalid mount config: invalid specification: destination can't be '/'",
                    invalid("[{\"Type\":\"volume\",\"Target\":\"" + root + "\"}]"), root);
            assertEquals("invalid mount config: invalid specification: destination can't be '/'",
                    invalid("[{\"Type\":\"tmpfs\",\"Target\":\"" + root + "\"}]"), root);
            assertEquals("invalid mount config: invalid specification: destination can't be '/'",
                    invalid("[]", ",\"Binds\":[\"v:" + root + "\"]"), root);
        }
        assertEquals("Duplicate mount point: /d", invalid("[{\"Type\":\"volume\",\"Source\":\"a\",\"Target\":\"/d/.\"}]",
                ",\"Binds\":[\"b:/x/../d\"]"));
        assertEquals("Duplicate mount point: /d", invalid("[{\"Type\":\"tmpfs\",\"Target\":\"//d\"}]",
                ",\"Tmpfs\":{\"/d\":\"\"}"));
        assertEquals("/a/b", MountEntries.cleaned("/a/./b//c/.."));
        assertEquals("/", MountEntries.cleaned("/.."));
        assertEquals("../a", MountEntries.cleaned("x/../../a"));
        assertEquals(".", MountEntries.cleaned("x/.."));
    }
}
