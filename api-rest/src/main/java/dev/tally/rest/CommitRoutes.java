package dev.tally.rest;

import dev.tally.domain.image.ImageCommits;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/**
 * {@code docker commit} (POST /commit?container=&repo=&tag=&comment=&author=&pause=&changes=…): 201
 * with the new image's {"Id"}. {@code changes} as {@link CommitChanges} applies them; {@code pause} is
 * accepted and the container is not frozen ({@link ImageCommits}); a config in the body is not read.
 */
public final class CommitRoutes implements DockerApi.Routes {

    private final ImageCommits commits;

    public CommitRoutes(ImageCommits commits) {
        this.commits = commits;
    }

    @Override
    public void mount(Router r) {
        r.post("/commit").handler(ctx -> Call.run(ctx, actor -> {
            var q = ctx.request();
            ImageCommits.Request request = new ImageCommits.Request(q.getParam("container", ""), q.getParam("repo", ""),
                    q.getParam("tag", ""), q.getParam("comment", ""), q.getParam("author", ""),
                    CommitChanges.parse(ctx.queryParam("changes")));
            return commits.commit(request, actor);
        }, id -> Call.json(ctx, 201).accept(new JsonObject().put("Id", id))));
    }
}
