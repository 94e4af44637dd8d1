package io.osprey.kernel.http;

import io.osprey.spi.net.RefusalLog;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's error pages, plus a rate-limited log line for the requests Jetty itself rejects before any handler sees
 * them (RFC 9110 15.5: 400 malformed, 408, 413, 414 URI too long, 431 headers too large, 501, 505 version), so an
 * operator can tell a broken or hostile client from a quiet one.
 */
final class RefusalErrorHandler extends ErrorHandler {

    private final RefusalLog refusals;

    RefusalErrorHandler(RefusalLog refusals) {
        this.refusals = refusals;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        int status = response.getStatus();
        if (status == 400 || status == 408 || status == 413 || status == 414 || status == 431 || status == 501
                || status == 505) {
            Object message = request.getAttribute(ERROR_MESSAGE);
            refusals.refuse(JettyHost.clientAddress(request),
                    "bad request " + status, message == null ? "" : String.valueOf(message));
        }
        return super.handle(request, response, callback);
    }
}
