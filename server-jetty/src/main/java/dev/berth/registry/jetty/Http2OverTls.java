// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.jetty;

import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * HTTP/2 for TLS clients that offer it in ALPN, HTTP/1.1 for the rest. Jetty's HTTP/2 jars are
 * optional (the runnable server has them; a test adds {@code jetty-http2-server} and
 * {@code jetty-alpn-java-server} to get it), so only this class names their types.
 */
final class Http2OverTls {
    private Http2OverTls() {
    }

    static boolean available() {
        try {
            Class.forName("org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory", false,
                    Http2OverTls.class.getClassLoader());
            Class.forName("org.eclipse.jetty.alpn.java.server.JDK9ServerALPNProcessor", false,
                    Http2OverTls.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    static ConnectionFactory[] factories(SslContextFactory.Server tls, HttpConfiguration http,
                                         HttpConnectionFactory http1) {
        HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(http);
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
        alpn.setDefaultProtocol(http1.getProtocol());
        return new ConnectionFactory[] {new SslConnectionFactory(tls, alpn.getProtocol()), alpn, h2, http1};
    }
}
