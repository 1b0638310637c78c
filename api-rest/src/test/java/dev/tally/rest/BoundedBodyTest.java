package dev.tally.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A real server on loopback: bodies up to the limit are read, larger ones answered 413 with a message. */
class BoundedBodyTest {

    private static final int LIMIT = 1024;

    private Vertx vertx;
    private HttpServer server;
    private HttpClient client;

    @BeforeEach
    void listen() throws Exception {
        vertx = Vertx.vertx();
        Router r = Router.router(vertx);
        r.post("/slow").handler(ctx -> BoundedBody.read(ctx.request(), LIMIT, java.time.Duration.ofMillis(500))
                .onComplete(body -> {
                    if (body.failed()) {
                        ErrorMapper.send(ctx.response(), body.cause());
                    } else {
                        ctx.response().end("read " + body.result().length());
                    }
                }));
        r.post("/echo").handler(ctx -> BoundedBody.read(ctx.request(), LIMIT).onComplete(body -> {
            if (body.failed()) {
                ErrorMapper.send(ctx.response(), body.cause());
            } else {
                ctx.response().end("read " + body.result().length());
            }
        }));
        server = vertx.createHttpServer().requestHandler(r).listen(0, "127.0.0.1").toCompletionStage()
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        client = vertx.createHttpClient();
    }

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private record Answer(int status, String text) {
    }

    private Answer post(Buffer body, boolean chunked) throws Exception {
        return client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
                        .setPort(server.actualPort()).setURI("/echo"))
                .compose(req -> {
                    req.setChunked(chunked);
                    return req.send(body);
                }).compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), b.toString()))).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aBodyUpToTheLimitIsReadWhole() throws Exception {
        Answer resp = post(Buffer.buffer(new byte[LIMIT]), false);
        assertEquals(200, resp.status());
        assertEquals("read " + LIMIT, resp.text());
    }

    @Test
    void aLargerBodyIsRefusedWith413AndAMessage() throws Exception {
        Answer resp = post(Buffer.buffer(new byte[LIMIT + 1]), false);
        assertEquals(413, resp.status());
        assertTrue(new JsonObject(resp.text()).getString("message").contains("limit of " + LIMIT));
    }

    @Test
    void aLargerChunkedBodyWithoutALengthIsRefusedWith413() throws Exception {
        Answer resp = post(Buffer.buffer(new byte[LIMIT * 4]), true);
        assertEquals(413, resp.status());
        assertTrue(new JsonObject(resp.text()).getString("message").contains("limit of " + LIMIT));
    }

    @Test
    void aBodyThatDoesNotArriveWithinTheDeadlineIsRefusedWith408() throws Exception {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.actualPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("POST /slow HTTP/1.1\r\nHost: d\r\nContent-Length: 10\r\n\r\nabc")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            byte[] buf = new byte[4096];
            int n = s.getInputStream().read(buf);
            String answer = new String(buf, 0, Math.max(n, 0), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
            assertTrue(answer.contains("request body did not arrive within"), answer);
        }
    }
}
