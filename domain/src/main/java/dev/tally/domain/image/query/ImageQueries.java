package dev.tally.domain.image.query;

import java.util.List;
import java.util.Optional;

/** Answers about images from the read model. */
public interface ImageQueries {

    /** By reference (normalized), full id, or unique id prefix. */
    Optional<ImageView> find(String ref);

    List<ImageView> list();
}
