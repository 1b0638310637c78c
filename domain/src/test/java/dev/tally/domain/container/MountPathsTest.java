package dev.tally.domain.container;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Mount paths compared as the paths they name, as Go's path.Clean gives them to dockerd. */
class MountPathsTest {

    @Test
    void aPathIsCleanedAsGoCleansIt() {
        assertEquals("/a/b", MountPaths.cleaned("/a/./b//c/.."));
        assertEquals("/d", MountPaths.cleaned("//a/../d/"));
        assertEquals("/", MountPaths.cleaned("/.."));
        assertEquals("/x", MountPaths.cleaned("/../../x"));
        assertEquals("../a", MountPaths.cleaned("x/../../a"));
        assertEquals(".", MountPaths.cleaned("x/.."));
    }
}
