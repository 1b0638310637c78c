package dev.tally.domain.volume.query;

import java.util.List;
import java.util.Optional;

/** Answers about live (not removed) volumes. */
public interface VolumeQueries {

    Optional<VolumeView> find(String name);

    List<VolumeView> list();
}
