package dev.tally.domain.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.domain.DomainException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageReferenceTest {

    private static final String DIGEST = "sha256:" + "ab".repeat(32);

    @Test
    void familiarNamesAreOneNameAsDockerNormalizesThem() {
        for (String same : List.of("busybox", "busybox:latest", "docker.io/busybox", "docker.io/library/busybox:latest",
                "index.docker.io/library/busybox")) {
            ImageReference r = ImageReference.parse(same);
            assertEquals("busybox:latest", r.familiar(), same);
            assertEquals("docker.io/library/busybox:latest", r.canonical(), same);
            assertEquals("docker.io", r.registry(), same);
            assertEquals("library/busybox", r.path(), same);
        }
        assertEquals("alice/tools:1", ImageReference.normalize("docker.io/alice/tools:1"));
        assertEquals("docker.io/alice/tools:1", ImageReference.parse("alice/tools:1").canonical());
    }

    @Test
    void aRegistryIsTheFirstPartWithADotAColonOrLocalhost() {
        ImageReference r = ImageReference.parse("localhost:5000/team/app:1.2");
        assertEquals("localhost:5000", r.registry());
        assertEquals("team/app", r.path());
        assertEquals("localhost:5000/team/app:1.2", r.familiar());
        assertEquals("localhost:5000/team/app", r.repository());
        assertEquals("localhost/app:latest", ImageReference.normalize("localhost/app"));
        assertEquals("registry.example/app:latest", ImageReference.normalize("registry.example/app"));
        assertEquals("docker.io", ImageReference.parse("team/app").registry(), "no dot, colon or localhost: a path");
    }

    @Test
    void aDigestNamesTheImageWithoutATag() {
        ImageReference r = ImageReference.parse("busybox@" + DIGEST);
        assertEquals(DIGEST, r.digest());
        assertEquals(null, r.tag());
        assertEquals("busybox@" + DIGEST, r.familiar());
        assertTrue(r.byDigest());
        assertEquals("busybox:1@" + DIGEST, ImageReference.normalize("docker.io/library/busybox:1@" + DIGEST));
    }

    @Test
    void whatIsNoNameIsInvalidWithDockersWords() {
        for (String bad : List.of("", "Busybox", "busybox:", "busy box", ":tag", "busybox@sha256:12", "a//b", "-a",
                "busybox:" + "t".repeat(129), "x/" + "a".repeat(260))) {
            DomainException e = assertThrows(DomainException.class, () -> ImageReference.parse(bad), bad);
            assertEquals(DomainException.Kind.INVALID, e.kind(), bad);
            assertTrue(e.getMessage().startsWith("invalid reference format"), e.getMessage());
        }
        assertTrue(assertThrows(DomainException.class, () -> ImageReference.parse("Busybox")).getMessage()
                .contains("must be lowercase"));
    }

    @Test
    void theRepositoryOfAStoredReferenceIsBeforeItsTagOrDigest() {
        assertEquals("localhost:5000/app", dev.tally.domain.image.query.ImageQueries.repositoryOf("localhost:5000/app:1"));
        assertEquals("localhost:5000/app", dev.tally.domain.image.query.ImageQueries.repositoryOf("localhost:5000/app"));
        assertEquals("busybox", dev.tally.domain.image.query.ImageQueries.repositoryOf("busybox@" + DIGEST));
    }
}
