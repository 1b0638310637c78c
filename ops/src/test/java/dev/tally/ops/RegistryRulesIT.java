package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.runtime.registry.LocalRegistry;
import dev.tally.runtime.registry.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 13's rules on pulls and pushes, through a real tallyd, the real docker CLI run as real users
 * (alice and bob in group tally, carol also in tally-admin) and real registries (docker-registry 2.8):
 * a pull moves a name only as a tag does, a push finds only an image the caller may use, and the
 * policy's {@code pushRegistries} limit where users push. Every refusal is on the record.
 */
class RegistryRulesIT {

    private static final String PASSWORD = "Rules-pass-5512";

    @BusyboxDaemon(beforeStart = UsersRegistriesAndPolicy.class)
    private static Daemon daemon;
    private static SharedHostUsers users;
    /** No auth; users may not push here. */
    private static LocalRegistry open;
    /** htpasswd (alice); the only registry users may push to. */
    private static LocalRegistry guarded;
    private static TestImages.Made first;
    private static TestImages.Made second;
    private static TestImages.Made secret;

    /** The users, both registries, and a policy that lets users push to {@code guarded} only. */
    static final class UsersRegistriesAndPolicy implements BusyboxDaemon.BeforeStart {
        @Override
        public void prepare(Daemon unstarted) throws Exception {
            new SharedHostUsers.Made().prepare(unstarted);
            open = LocalRegistry.plain();
            guarded = LocalRegistry.options().basic("alice", PASSWORD).start();
            Path policy = Files.writeString(unstarted.root.resolve("policy.json"),
                    "{\"pushRegistries\": [\"" + guarded.host() + "\"]}");
            unstarted.withArgs("--policy", policy.toString());
        }
    }

    @BeforeAll
    static void imagesAndUsers() throws Exception {
        users = new SharedHostUsers(daemon);
        byte[] busybox = Files.readAllBytes(daemon.root.resolve("busybox.tar"));
        first = image("first", busybox);
        second = image("second", busybox);
        secret = image("secret", busybox);
    }

    /** busybox with /etc/motd saying {@code name}, the image's command {@code cat /etc/motd}. */
    private static TestImages.Made image(String name, byte[] busybox) throws Exception {
        return TestImages.layout(daemon.root.resolve("layout-" + name), "v1",
                List.of(busybox, TestImages.tar(Map.of("etc/motd", name + "\n"))), List.of("cat", "/etc/motd"));
    }

    @AfterAll
    static void stopRegistries() throws Exception {
        for (LocalRegistry r : new LocalRegistry[] {open, guarded}) {
            if (r != null) {
                r.close();
            }
        }
    }

    private static Daemon.Result ok(Daemon.Result r, String what) {
        assertEquals(0, r.code(), what + ": " + r.out() + r.err());
        return r;
    }

    /** The docker CLI as this user, with their own docker config directory (for logins). */
    private static Daemon.Result docker(String user, String... args) {
        Path config = daemon.root.resolve("docker-config-" + user);
        if (!Files.isDirectory(config)) {
            ok(Daemon.exec(List.of("install", "-d", "-o", user, "-m", "0700", config.toString()), Map.of()), "config dir");
        }
        List<String> cmd = new ArrayList<>(List.of("docker"));
        cmd.addAll(List.of(args));
        return HostUsers.as(user, Map.of("DOCKER_HOST", "unix://" + daemon.socket, "DOCKER_CONFIG", config.toString()),
                cmd);
    }

    private static String id(String ref) {
        return ok(daemon.docker("image", "inspect", "-f", "{{.Id}}", ref), "inspect " + ref).out().strip();
    }

    /** The audit's lines of this user's: as JSON, refusals only when {@code denied}. */
    private static List<String> audit(String user, boolean denied) {
        List<String> args = new ArrayList<>(List.of("audit", "log", "--user", user, "--format", "json"));
        if (denied) {
            args.add("--denied");
        }
        Daemon.Result log = ok(daemon.tally(args.toArray(String[]::new)), "audit log");
        return log.out().lines().toList();
    }

    private static boolean refused(String user, String action, String name, int status) {
        return audit(user, true).stream().anyMatch(l -> l.contains("\"action\":\"" + action + "\"")
                && l.contains("\"name\":\"" + name + "\"") && l.contains("\"code\":" + status + ","));
    }

    @Test
    void aUserNeverRetargetsByAPullANameAnAdminPulled() {
        open.push(first, "shared/tool", null);
        String name = open.host() + "/shared/tool:v1";
        ok(daemon.docker("pull", name), "root pulls");
        open.push(second, "shared/tool", null);

        Daemon.Result alices = docker("alice", "pull", name);

        assertNotEquals(0, alices.code(), alices.out());
        assertTrue(alices.err().contains("authorization denied: " + name + " was pointed at its image by another user"),
                alices.err());
        assertTrue(refused("alice", "image.pull", name, 403));
        assertEquals(first.configDigest(), id(name));
        Daemon.Result run = users.docker("carol", "run", "--rm", name);
        assertEquals("first\n", run.out(), run.err());
    }

    @Test
    void whoPulledANameMovesItByAPullAndTheMoveNamesBothImages() {
        open.push(first, "alice/app", null);
        String name = open.host() + "/alice/app:v1";
        ok(docker("alice", "pull", name), "alice pulls");
        open.push(second, "alice/app", null);

        Daemon.Result moved = ok(docker("alice", "pull", name), "alice pulls it again");

        assertTrue(moved.out().contains("Downloaded newer image"), moved.out());
        assertEquals(second.configDigest(), id(name));
        assertTrue(audit("alice", false).stream().anyMatch(l -> l.contains("\"action\":\"image.tag\"")
                && l.contains(name) && l.contains(first.configDigest()) && l.contains("pull")),
                "the move names the image it left: " + audit("alice", false));
        Daemon.Result bobs = ok(docker("bob", "pull", name), "bob pulls what the name points at");
        assertTrue(bobs.out().contains("Image is up to date"), bobs.out());
        open.push(first, "alice/app", null);
        Daemon.Result back = docker("bob", "pull", name);
        assertNotEquals(0, back.code(), back.out());
        assertTrue(refused("bob", "image.pull", name, 403));
        assertEquals(second.configDigest(), id(name));
    }

    @Test
    void aPushAndTheEventsFindOnlyImagesTheCallerMayUse() {
        guarded.push(secret, "team/secret", "alice:" + PASSWORD);
        String name = guarded.host() + "/team/secret:v1";
        ok(docker("alice", "login", "-u", "alice", "-p", PASSWORD, guarded.host()), "alice logs in");
        ok(docker("alice", "pull", name), "alice pulls with her credentials");

        Daemon.Result bobs = docker("bob", "push", name);
        Daemon.Result missing = docker("bob", "push", guarded.host() + "/team/none:v1");

        assertNotEquals(0, bobs.code(), bobs.out());
        assertTrue(bobs.err().contains("does not exist locally"), bobs.err());
        assertEquals(missing.err().replace("team/none", "team/secret"), bobs.err());
        assertTrue(refused("bob", "image.push", name, 404));
        ok(docker("alice", "tag", name, guarded.host() + "/team/secret:v2"), "alice tags");
        Daemon.Result alices = ok(docker("alice", "push", guarded.host() + "/team/secret:v2"), "alice pushes");
        assertTrue(alices.out().contains("v2: digest: " + secret.manifestDigest()), alices.out());

        ok(docker("bob", "tag", "busybox", "bob/seen:1"), "bob tags an image he may use");
        String[] events = {"events", "--since", "0", "--until", "0s", "--filter", "type=image", "--format",
                "{{.Action}} {{.Actor.ID}}"};
        Daemon.Result alicesEvents = ok(docker("alice", events), "alice's events");
        assertTrue(alicesEvents.out().contains("pull " + name) && alicesEvents.out().contains("push "
                + guarded.host() + "/team/secret:v2"), alicesEvents.out());
        Daemon.Result bobsEvents = ok(docker("bob", events), "bob's events");
        assertFalse(bobsEvents.out().contains("team/secret"), "an image bob may not use: " + bobsEvents.out());
        assertTrue(bobsEvents.out().contains("tag " + id("busybox")), "images bob may use are shown: " + bobsEvents.out());
    }

    @Test
    void usersPushOnlyToTheRegistriesThePolicyNamesAndAdminsAnywhere() {
        String alices = open.host() + "/alice/busybox:v1";
        ok(docker("alice", "tag", "busybox", alices), "alice tags");

        Daemon.Result refusedPush = docker("alice", "push", alices);

        assertNotEquals(0, refusedPush.code(), refusedPush.out());
        assertTrue(refusedPush.err().contains("authorization denied: pushing to " + open.host() + " is not allowed"),
                refusedPush.err());
        assertTrue(refused("alice", "image.push", alices, 403));
        String carols = open.host() + "/carol/busybox:v1";
        ok(docker("carol", "tag", "busybox", carols), "carol tags");
        ok(docker("carol", "push", carols), "an admin pushes anywhere");
        assertTrue(open.inspect("carol/busybox:v1", null).contains("layers"));
    }
}
