// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Logs in to one upstream as the distribution spec's token flow and RFC 7617 describe: the
 * challenge of a 401 is remembered, so later requests fetch or reuse a token for their scope
 * up front, and tokens are cached per scope until shortly before they expire (no login per pull).
 * Credentials go to the upstream itself or to a realm in its own domain over https, never elsewhere.
 */
final class UpstreamAuth {
    private static final Pattern PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"|(\\w+)=([^,\\s]*)");

    /** A parsed {@code WWW-Authenticate}: {@code Bearer} with realm and service, or {@code Basic}. */
    record Challenge(String scheme, Map<String, String> params) {
        static Optional<Challenge> parse(String header) {
            String trimmed = header.trim();
            int space = trimmed.indexOf(' ');
            String scheme = (space < 0 ? trimmed : trimmed.substring(0, space)).toLowerCase(java.util.Locale.ROOT);
            if (!scheme.equals("bearer") && !scheme.equals("basic")) {
                return Optional.empty();
            }
            Map<String, String> params = new LinkedHashMap<>();
            Matcher m = PARAM.matcher(space < 0 ? "" : trimmed.substring(space + 1));
            while (m.find()) {
                params.put((m.group(1) != null ? m.group(1) : m.group(3)).toLowerCase(java.util.Locale.ROOT),
                        m.group(2) != null ? m.group(2) : m.group(4));
            }
            if (scheme.equals("bearer") && !params.containsKey("realm")) {
                return Optional.empty();
            }
            return Optional.of(new Challenge(scheme, params));
        }
    }

    private record Token(String value, long expiresAtMillis) {
    }

    private final Upstream upstream;
    private final UpstreamCounts counts;
    private final Clock clock = Clock.systemUTC();
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();
    private volatile Optional<Challenge> challenge = Optional.empty();

    UpstreamAuth(Upstream upstream, UpstreamCounts counts) {
        this.upstream = upstream;
        this.counts = counts;
    }

    /** The Authorization header for a request in {@code scope}, if the upstream asked for one before. */
    Optional<String> header(String scope) throws IOException {
        Optional<Challenge> known = challenge;
        if (known.isEmpty()) {
            return Optional.empty();
        }
        if (known.get().scheme().equals("basic")) {
            return basic();
        }
        Token cached = tokens.get(scope);
        if (cached != null && cached.expiresAtMillis() > clock.millis()) {
            return Optional.of("Bearer " + cached.value());
        }
        Token fresh = fetchToken(known.get(), scope);
        tokens.put(scope, fresh);
        return Optional.of("Bearer " + fresh.value());
    }

    /** A 401 arrived with {@code header}: remember the challenge and drop the token it refused. Whether to retry. */
    boolean challenged(Optional<String> header, String scope) {
        Optional<Challenge> parsed = header.flatMap(Challenge::parse);
        if (parsed.isEmpty()) {
            return false;
        }
        boolean news = !parsed.equals(challenge) || tokens.remove(scope) != null;
        challenge = parsed;
        return news && (parsed.get().scheme().equals("bearer") || upstream.credentials().isPresent());
    }

    private Optional<String> basic() throws IOException {
        if (upstream.credentials().isEmpty()) {
            return Optional.empty();
        }
        UpstreamCredentials.Login login = upstream.credentials().get().login();
        return Optional.of("Basic " + Base64.getEncoder().encodeToString(
                (login.user() + ":" + login.secret()).getBytes(StandardCharsets.UTF_8)));
    }

    private Token fetchToken(Challenge bearer, String scope) throws IOException {
        URI realm;
        try {
            realm = URI.create(bearer.params().get("realm"));
        } catch (IllegalArgumentException e) {
            throw new UpstreamException(UpstreamException.Kind.UNAVAILABLE, "token realm is not a URL: "
                    + bearer.params().get("realm"), e);
        }
        StringBuilder query = new StringBuilder();
        Optional.ofNullable(bearer.params().get("service")).ifPresent(s -> query.append("service=").append(encode(s)));
        query.append(query.isEmpty() ? "" : "&").append("scope=").append(encode(scope));
        URI uri = URI.create(realm + (realm.getRawQuery() == null ? "?" : "&") + query);
        Optional<String> authorization = trusted(realm) ? basic() : Optional.empty();
        counts.tokenRequests.increment();
        int status;
        byte[] answer;
        try (UpstreamHttp.Response response = UpstreamHttp.exchange(upstream, "GET", uri, "application/json",
                authorization)) {
            status = response.status();
            answer = response.body().readNBytes(1 << 20);
        } catch (IOException e) {
            throw new UpstreamException(UpstreamException.Kind.UNAVAILABLE, "token realm " + realm.getHost()
                    + " failed: " + e, e);
        }
        if (status == 401 || status == 403) {
            throw new UpstreamException(UpstreamException.Kind.DENIED, "token realm " + realm.getHost()
                    + " refused the credentials (" + status + ")", Optional.empty());
        }
        if (status != 200) {
            throw new UpstreamException(status == 429 ? UpstreamException.Kind.RATE_LIMITED
                    : UpstreamException.Kind.UNAVAILABLE, "token realm " + realm.getHost() + " answered "
                    + status, Optional.empty());
        }
        JsonNode body = Json.MAPPER.readTree(answer);
        String token = body.path("token").asText(body.path("access_token").asText(""));
        if (token.isEmpty()) {
            throw new UpstreamException(UpstreamException.Kind.UNAVAILABLE, "token realm " + realm.getHost()
                    + " answered without a token", Optional.empty());
        }
        long lifetime = Math.max(60, body.path("expires_in").asLong(60)); // the spec's default and minimum
        return new Token(token, clock.millis() + (lifetime - 10) * 1000);
    }

    /**
     * Whether credentials may go to {@code realm}: the upstream's own host over the same scheme,
     * or over https a host in the upstream's parent domain ({@code auth.docker.io} for
     * {@code registry-1.docker.io}), when that domain has at least two labels.
     */
    boolean trusted(URI realm) {
        String host = upstream.url().getHost().toLowerCase(java.util.Locale.ROOT);
        String realmHost = realm.getHost() == null ? "" : realm.getHost().toLowerCase(java.util.Locale.ROOT);
        if (realmHost.equals(host) && upstream.url().getPort() == realm.getPort()) {
            return realm.getScheme().equals(upstream.url().getScheme()) || "https".equals(realm.getScheme());
        }
        if (!"https".equals(realm.getScheme()) || host.matches("[0-9.]+|.*:.*")) {
            return false;
        }
        int dot = host.indexOf('.');
        String parent = dot < 0 ? "" : host.substring(dot + 1);
        return parent.contains(".") && (realmHost.equals(parent) || realmHost.endsWith("." + parent));
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
