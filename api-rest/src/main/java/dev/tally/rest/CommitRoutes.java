package dev.tally.rest;

import dev.tally.domain.image.ImageCommits;
import dev.tally.rest.body.CommitConfigBody;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/**
 * {@code docker commit} (POST /commit?container=&repo=&tag=&comment=&author=&pause=&changes=…): 201
 * with the new image's {"Id"}. The body is the config the image takes ({@link CommitConfigBody}; none
 * or {@code null} from the docker CLI), {@code changes} ({@link CommitChanges}) go over it; {@code pause}
 * is true unless it says {@code 0}, {@code false}, {@code no} or {@code none}, as dockerd reads it.
 */
public final class CommitRoutes implements DockerApi.Routes {

    private final ImageCommits commits;

    public CommitRoutes(ImageCommits commits) {
        this.commits = commits;
    }

    @Override
    public void mount(Router r) {
        r.post("/commit").handler(ctx -> Call.withBody(ctx, CommitConfigBody.class, (actor, body) -> {
            var q = ctx.request();
            ImageCommits.Request request = new ImageCommits.Request(q.getParam("container", ""), q.getParam("repo", ""),
                    q.getParam("tag", ""), q.getParam("comment", ""), q.getParam("author", ""),
                    CommitChanges.parse(ctx.queryParam("changes")).over(body.changes()), pause(q.getParam("pause")));
            return commits.commit(request, actor);
        }, id -> Call.json(ctx, 201).accept(new JsonObject().put("Id", id))));
    }

    /** dockerd's reading: absent is true (API 1.13 and later), and so is anything but a word for false. */
    static boolean pause(String value) {
        if (value == null) {
            return true;
        }
        return !java.util.Set.of("", "0", "no", "false", "none").contains(value.strip().toLowerCase(java.util.Locale.ROOT));
    }
}
