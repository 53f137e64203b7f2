// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.jetty;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.io.Connection;

/**
 * A deadline for a request's header block (Go's {@code ReadHeaderTimeout}): a connection that
 * began sending a request, and has not finished its headers this long after, is closed. The idle
 * timeout alone only catches clients that go fully silent, so one that trickles a header byte
 * at a time would otherwise hold its connection for ever. Connections idle between requests and
 * requests whose headers arrived (a long upload) are left alone.
 */
final class HeaderDeadline implements Connection.Listener {
    private final long deadlineNanos;
    private final Map<Connection, Progress> tracked = new ConcurrentHashMap<>();

    /** What a connection had received when last looked at, and since when it waits for headers. */
    private static final class Progress {
        long messagesIn;
        long messagesOut;
        long bytesIn;
        long waitingSince = -1;
    }

    HeaderDeadline(Duration deadline) {
        this.deadlineNanos = deadline.toNanos();
    }

    @Override
    public void onOpened(Connection connection) {
        if (connection.getMessagesIn() >= 0) { // an HTTP connection (it counts requests)
            Progress progress = new Progress();
            progress.bytesIn = connection.getBytesIn();
            tracked.put(connection, progress);
        }
    }

    @Override
    public void onClosed(Connection connection) {
        tracked.remove(connection);
    }

    /** Closes the connections whose headers are overdue; called about once a second. */
    void sweep() {
        long now = System.nanoTime();
        tracked.forEach((connection, progress) -> {
            long in = connection.getMessagesIn();
            long out = connection.getMessagesOut();
            long bytes = connection.getBytesIn();
            if (in != progress.messagesIn || out != progress.messagesOut) {
                progress.messagesIn = in; // a request's headers arrived, or its answer went out
                progress.messagesOut = out;
                progress.bytesIn = bytes;
                progress.waitingSince = -1;
            } else if (in > out) {
                progress.bytesIn = bytes; // a request in progress: its body may take its time
            } else if (bytes > progress.bytesIn && progress.waitingSince < 0) {
                progress.waitingSince = now; // the first bytes of a new request's headers
            } else if (progress.waitingSince >= 0 && now - progress.waitingSince >= deadlineNanos) {
                tracked.remove(connection);
                connection.close();
            }
        });
    }
}
