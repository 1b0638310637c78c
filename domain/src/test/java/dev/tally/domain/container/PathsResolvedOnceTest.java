package dev.tally.domain.container;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tally.domain.access.HostLookup;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PathsResolvedOnceTest {

    /** A host where alice swaps her directory for a link to /etc between two looks. */
    private static final class Swapping implements HostLookup {
        final AtomicInteger looks = new AtomicInteger();

        @Override
        public OptionalInt uidOf(String user) {
            return OptionalInt.empty();
        }

        @Override
        public String realPath(String absolutePath) {
            return looks.getAndIncrement() == 0 ? absolutePath : "/etc";
        }
    }

    @Test
    void whatWasJudgedIsWhatIsRecorded() {
        Swapping host = new Swapping();
        HostLookup once = new PathsResolvedOnce(host);
        ContainerConfig asked = new ContainerConfig("busybox", null, null, null, null, null, null, null, false, false,
                List.of(new ContainerConfig.Mount("/srv/shared/alice", "/d", false)), null, null, false, null);
        assertEquals("/srv/shared/alice", once.realPath("/srv/shared/alice"), "judged");
        assertEquals("/srv/shared/alice", ContainerOptionPolicy.withRealBindPaths(asked, once).mounts().get(0).source(),
                "recorded");
        assertEquals(1, host.looks.get());
    }
}
