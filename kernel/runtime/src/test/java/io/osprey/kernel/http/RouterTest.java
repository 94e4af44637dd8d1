package io.osprey.kernel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RouterTest {

    @Test
    void everySpecSyntaxTheSpiDocumentsParses() {
        assertTrue(Router.spec("/api/x").matches("/api/x"));
        assertTrue(Router.spec("/hls/*").matches("/hls/live/a/index.m3u8"));
        assertTrue(Router.spec("*.flv").matches("/live/a.flv"));
        assertTrue(Router.spec("^/[^/]+/[^/]+$").matches("/live/a"));
        assertTrue(Router.spec("uri-template:/{app}/{name}").matches("/live/a"));
        assertFalse(Router.spec("uri-template:/{app}/{name}").matches("/live/a/b"));
    }

    @Test
    void theMostSpecificSpecSortsFirst() {
        // exact < prefix < suffix in Jetty's ordering, as the router tries them
        assertTrue(Router.spec("/flv/*").compareTo(Router.spec("*.flv")) < 0);
        assertTrue(Router.spec("/api/recordings").compareTo(Router.spec("/api/*")) < 0);
        assertEquals(0, Router.spec("/x").compareTo(Router.spec("/x")));
    }

    @Test
    void theSplitLookupFindsWhatJettysLookupOverAllSpecsFinds() {
        Router router = new Router();
        String[] specs = {"/api/streams", "/api/*", "/hls/*", "/hls/live/*", "*.flv", "*.m3u8", "/",
            "^/[^/]+/[^/]+$", "uri-template:/api/plugins/{id}/config", "^/api/.*$", "uri-template:/{app}/{name}"};
        for (String spec : specs) {
            router.add("test", spec, new org.eclipse.jetty.server.Handler.Abstract.NonBlocking() {
                @Override
                public boolean handle(org.eclipse.jetty.server.Request rq, org.eclipse.jetty.server.Response rs,
                                      org.eclipse.jetty.util.Callback cb) {
                    return false;
                }
            });
        }
        String[] paths = {"/api/streams", "/api/streams/x", "/api/plugins/hls/config", "/api/plugins/hls",
            "/hls/live/a/index.m3u8", "/hls/x/a/seg-1.ts", "/live/a.flv", "/live/a", "/x/y/z.m3u8", "/", "/index.html",
            "/a/b/c", "/api", ""};
        for (String path : paths) {
            assertEquals(router.bestSpecOfAll(path), router.bestSpec(path), path);
        }
        assertEquals(Router.spec("/hls/live/*"), router.bestSpec("/hls/live/a/index.m3u8"));
        assertEquals(Router.spec("^/[^/]+/[^/]+$"), router.bestSpec("/live/a"), "a regex more specific than /");
    }

    @Test
    void theTokenQueryParameterIsFoundWithoutParsingTheRest() {
        assertEquals(null, Router.token(null));
        assertEquals(null, Router.token("a=1&b=2"));
        assertEquals(null, Router.token("mytoken=x"), "only the parameter named token");
        assertEquals("abc", Router.token("token=abc"));
        assertEquals("abc", Router.token("a=1&token=abc&b=2"));
        assertEquals("a b", Router.token("token=a%20b"));
        assertEquals("", Router.token("token="));
    }
}
