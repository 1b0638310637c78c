package dev.tally.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tally.domain.DomainException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A tmpfs takes its own options only: anything runc would read as another kind of mount is refused. */
class TmpfsMountsTest {

    @Test
    void aTmpfsTakesItsDataAndThePlainFlags() {
        assertEquals(List.of("nosuid", "nodev", "size=64m", "mode=1777", "uid=1000", "gid=1000", "nr_inodes=10k", "ro"),
                TmpfsMounts.options("/t", "exec,size=64m,mode=1777,uid=1000,gid=1000,nr_inodes=10k,ro"));
        assertEquals(List.of("nosuid", "nodev", "noexec", "noatime", "mpol=bind:0"),
                TmpfsMounts.options("/t", "noatime,mpol=bind:0"));
    }

    /** runc reads each of these as a mount flag: a bind of a path named tmpfs, a remount, a propagation. */
    @Test
    void optionsThatMakeAnotherMountAreRefused() {
        for (String other : List.of("bind", "rbind", "remount", "shared", "rshared", "private", "rprivate", "slave",
                "unbindable", "rro", "idmap", "recursive", "loop", "context=x", "size")) {
            DomainException e = assertThrows(DomainException.class, () -> TmpfsMounts.options("/t", "size=1m," + other));
            assertEquals(DomainException.Kind.INVALID, e.kind());
            assertEquals("invalid tmpfs option for /t: \"" + other + "\"", e.getMessage());
        }
    }
}
