// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One endpoint: spec id, methods, path template and handler. {@code {name}} matches the
 * repository name including slashes (validated later, for NAME_INVALID); other parameters match
 * one path segment.
 *
 * @param literal  a fixed part every matching path contains ("/manifests/"): a cheap test before the pattern
 * @param access   what it needs of the caller ({@link RouteTable})
 * @param notFound what a {@link dev.berth.registry.spi.NotFoundException} from storage means here
 */
record Route(String id, Set<String> methods, Pattern pattern, List<String> params, String literal,
             RouteTable.Access access, Handler handler, ErrorCode notFound) {

    @FunctionalInterface
    interface Handler {
        void handle(Exchange exchange) throws IOException;
    }

    /** The route of {@code row}, served by {@code handler}. */
    static Route of(RouteTable.Row row, Handler handler) {
        String id = row.id();
        String method = row.method();
        String template = row.template();
        Set<String> methods = method.equals("GET") ? Set.of("GET", "HEAD") : Set.of(method);
        StringBuilder regex = new StringBuilder("^");
        List<String> params = new java.util.ArrayList<>();
        Matcher m = Pattern.compile("\\{(\\w+)}").matcher(template);
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(template.substring(last, m.start())));
            params.add(m.group(1));
            regex.append(m.group(1).equals("name") ? "(.+?)" : "([^/]+)");
            last = m.end();
        }
        regex.append(Pattern.quote(template.substring(last))).append('$');
        String longest = "";
        for (String part : template.split("\\{\\w+}")) {
            longest = part.length() > longest.length() ? part : longest;
        }
        return new Route(id, methods, Pattern.compile(regex.toString()), List.copyOf(params), longest, row.access(),
                handler, row.notFound());
    }

    Optional<Map<String, String>> match(String path) {
        if (!path.contains(literal)) {
            return Optional.empty(); // spares the pattern's backtracking over a long name
        }
        Matcher m = pattern.matcher(path);
        if (!m.matches()) {
            return Optional.empty();
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            values.put(params.get(i), m.group(i + 1));
        }
        return Optional.of(values);
    }
}
