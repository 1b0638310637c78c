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
}
