// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.image;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The container image's health check: asks the admin endpoint's {@code /health/ready} on the
 * address in {@code BERTH_ADMIN_ADDRESS} and exits 0 when it answers 200, 1 otherwise. Plain JDK
 * code on purpose: it starts a JVM every interval, so it loads as few classes as it can.
 */
public final class HealthProbe {
    private HealthProbe() {
    }

    public static void main(String[] args) {
        String address = System.getenv().getOrDefault("BERTH_ADMIN_ADDRESS", "");
        if (address.isBlank()) {
            System.err.println("BERTH_ADMIN_ADDRESS is not set: the health check asks the admin endpoint, which it names");
            System.exit(1);
        }
        System.exit(probe(address) ? 0 : 1);
    }

    /** Whether {@code http://ADDRESS/health/ready} answers 200 within two seconds; says why not on stderr. */
    static boolean probe(String address) {
        String host = address.startsWith("0.0.0.0:") ? "127.0.0.1" + address.substring(7) : address;
        try {
            HttpURLConnection connection = (HttpURLConnection) URI.create("http://" + host + "/health/ready").toURL()
                    .openConnection();
            connection.setConnectTimeout(2000);
            connection.setReadTimeout(2000);
            int status = connection.getResponseCode();
            InputStream body = status < 400 ? connection.getInputStream() : connection.getErrorStream();
            String text = body == null ? "" : new String(body.readAllBytes(), StandardCharsets.UTF_8);
            if (status == 200) {
                return true;
            }
            System.err.println("/health/ready answered " + status + ": " + text);
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("/health/ready on " + host + " did not answer: " + e);
        }
        return false;
    }
}
