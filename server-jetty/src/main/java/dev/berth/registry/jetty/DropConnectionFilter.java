// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.jetty;

import dev.berth.registry.core.testing.DroppedConnection;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;

/** Closes the TCP connection when an injected fault drops it: the Servlet API alone cannot. */
public final class DropConnectionFilter implements Filter {
    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        try {
            chain.doFilter(request, response);
        } catch (DroppedConnection e) {
            ServletContextRequest jetty = ServletContextRequest.getServletContextRequest(request);
            if (jetty == null) {
                throw e;
            }
            jetty.getConnectionMetaData().getConnection().getEndPoint().close();
        }
    }
}
