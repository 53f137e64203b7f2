// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.jetty;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Counts the requests in progress on each connection, so that closing can drop idle keep-alive
 * connections at once (as Go's {@code httptest.Server.Close} does) while requests in flight finish.
 */
final class BusyConnections extends Handler.Wrapper {
    private final Map<EndPoint, AtomicInteger> busy = new ConcurrentHashMap<>();
    private volatile boolean closing;

    BusyConnections(Handler handler) {
        super(handler);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
        busy.computeIfAbsent(endPoint, e -> new AtomicInteger()).incrementAndGet();
        Callback counted = new Callback.Nested(callback) {
            @Override
            public void completed() {
                done(endPoint);
            }
        };
        boolean handled = false;
        try {
            handled = super.handle(request, response, counted);
            return handled;
        } finally {
            if (!handled) {
                done(endPoint);
            }
        }
    }

    private void done(EndPoint endPoint) {
        AtomicInteger left = busy.computeIfPresent(endPoint, (e, count) -> count.decrementAndGet() <= 0 ? null : count);
        if (left == null && closing) {
            endPoint.close(); // its answer is complete; nobody is left to wait for it
        }
    }

    /**
     * Closes the connections of {@code connected} with no request in progress, and from now on
     * each of the others as soon as its last request completes; returns how many it closed now.
     */
    int closeIdle(Iterable<EndPoint> connected) {
        closing = true;
        int closed = 0;
        for (EndPoint endPoint : connected) {
            if (!busy.containsKey(endPoint)) {
                endPoint.close();
                closed++;
            }
        }
        return closed;
    }
}
