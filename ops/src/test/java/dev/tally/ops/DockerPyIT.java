package dev.tally.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Docker SDK for Python (Debian's python3-docker) drives tallyd as it drives dockerd: run with
 * its output, detached containers, exec, stop and wait, logs, removal, images, volumes and errors.
 */
class DockerPyIT {

    private static final String SCRIPT = """
            import docker, sys
            c = docker.DockerClient(base_url="unix://" + sys.argv[1])
            print("ping", c.ping())
            print("run", c.containers.run("busybox", ["sh", "-c", "echo hi; echo err >&2"], remove=True))
            ct = c.containers.run("busybox", ["sleep", "30"], detach=True, name="py1")
            print("list", [x.name for x in c.containers.list()])
            r = ct.exec_run(["sh", "-c", "echo in; exit 3"])
            print("exec", r.exit_code, r.output)
            ct.stop(timeout=1)
            print("wait", ct.wait()["StatusCode"])
            ct.remove()
            try:
                c.containers.get("py1")
            except docker.errors.NotFound as e:
                print("gone", e.explanation)
            try:
                c.containers.run("busybox", ["sh", "-c", "echo out; exit 3"], remove=True)
            except docker.errors.ContainerError as e:
                print("failed", e.exit_status)
            print("images", [i.tags for i in c.images.list()])
            print("volume", c.volumes.create("pyvol").name, [v.name for v in c.volumes.list()])
            c.volumes.get("pyvol").remove()
            print("left", c.containers.list(all=True), c.volumes.list())
            """;

    @Test
    void thePythonSdkDrivesTallyd(@BusyboxDaemon Daemon daemon) throws Exception {
        Path script = Files.writeString(daemon.root.resolve("sdk.py"), SCRIPT);
        Daemon.Result r = Daemon.exec(List.of("/usr/bin/python3", script.toString(), daemon.socket.toString()), Map.of());
        assertEquals(0, r.code(), r.out() + r.err());
        assertEquals(String.join("\n",
                "ping True",
                "run b'hi\\n'",
                "list ['py1']",
                "exec 3 b'in\\n'",
                "wait 137",
                "gone No such container: py1",
                "failed 3",
                "images [['busybox:latest']]",
                "volume pyvol ['pyvol']",
                "left [] []") + "\n", r.out(), r.err());
    }

    /** The everyday verbs of a long-running container, as the SDK's users script them. */
    private static final String EVERYDAY = """
            import docker, sys, datetime
            c = docker.DockerClient(base_url="unix://" + sys.argv[1])
            t0 = datetime.datetime.utcnow() - datetime.timedelta(seconds=5)
            ct = c.containers.run("busybox", ["sh", "-c", "echo started; echo warn >&2; exec sleep 60"], detach=True,
                                  name="pyday", labels={"suite": "py"}, environment={"X": "1"}, mem_limit="64m")
            ct.reload()
            print("inspect", ct.status, ct.attrs["Config"]["Labels"], "X=1" in ct.attrs["Config"]["Env"],
                  ct.attrs["HostConfig"]["Memory"])
            r = ct.exec_run(["sh", "-c", "echo out; echo err >&2; exit 4"], demux=True)
            print("exec", r.exit_code, r.output)
            for frame in ct.logs(stream=True, follow=True):
                if b"started" in frame:
                    break
            print("logs", ct.logs(stdout=True, stderr=False), ct.logs(stdout=False, stderr=True))
            s = ct.stats(stream=False)
            print("stats", s["name"], s["pids_stats"]["current"], s["memory_stats"]["limit"],
                  s["cpu_stats"]["cpu_usage"]["total_usage"] > 0, s["precpu_stats"]["system_cpu_usage"] > 0)
            frames = ct.stats(stream=True, decode=True)
            first, second = next(frames), next(frames)
            print("stream", first["read"] < second["read"],
                  second["precpu_stats"]["cpu_usage"]["total_usage"] == first["cpu_stats"]["cpu_usage"]["total_usage"])
            ct.update(mem_limit="32m", memswap_limit="64m")
            ct.reload()
            print("update", ct.attrs["HostConfig"]["Memory"], ct.attrs["HostConfig"]["MemorySwap"])
            print("images", [i.tags for i in c.images.list()], c.images.get("busybox").id.startswith("sha256:"))
            v = c.volumes.create("pyday-vol", labels={"suite": "py"})
            print("volume", v.name, c.volumes.get("pyday-vol").attrs["Labels"])
            ct.stop(timeout=1)
            df = c.df()
            print("df", len(df["Images"]), [x["Names"] for x in df["Containers"]], [x["Name"] for x in df["Volumes"]])
            print("prune", c.containers.prune()["ContainersDeleted"], c.volumes.prune(filters={"all": True})["VolumesDeleted"])
            t1 = datetime.datetime.utcnow() + datetime.timedelta(seconds=1)
            acts = [e["Action"] for e in c.events(since=t0, until=t1, decode=True, filters={"container": "pyday"})]
            print("events", [a for a in acts if a in ("create", "start", "update", "die", "destroy")])
            print("left", c.containers.list(all=True), c.volumes.list())
            """;

    @Test
    void thePythonSdksEverydayVerbsWork(@BusyboxDaemon Daemon daemon) throws Exception {
        Path script = Files.writeString(daemon.root.resolve("everyday.py"), EVERYDAY);
        Daemon.Result r = Daemon.exec(List.of("/usr/bin/python3", script.toString(), daemon.socket.toString()), Map.of());
        assertEquals(0, r.code(), r.out() + r.err());
        String id = r.out().lines().filter(l -> l.startsWith("prune ")).findFirst().orElseThrow()
                .replaceAll("^prune \\['([0-9a-f]{64})'\\].*$", "$1");
        assertEquals(String.join("\n",
                "inspect running {'suite': 'py'} True 67108864",
                "exec 4 (b'out\\n', b'err\\n')",
                "logs b'started\\n' b'warn\\n'",
                "stats /pyday 1 67108864 True True",
                "stream True True",
                "update 33554432 67108864",
                "images [['busybox:latest']] True",
                "volume pyday-vol {'suite': 'py'}",
                "df 1 [['/pyday']] ['pyday-vol']",
                "prune ['" + id + "'] ['pyday-vol']",
                "events ['create', 'start', 'update', 'die', 'destroy']",
                "left [] []") + "\n", r.out(), r.err());
    }
}
