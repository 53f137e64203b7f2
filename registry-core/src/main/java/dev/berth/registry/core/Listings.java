// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.registry.api.Descriptor;
import dev.berth.registry.api.Digest;
import dev.berth.registry.api.MediaType;
import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;
import dev.berth.registry.spi.Page;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/** end-8 (tags/list), _catalog, end-12 (referrers). */
final class Listings {
    /** Largest page; longer listings continue through Link headers. */
    static final int MAX_PAGE = 1000;

    private final RegistryOptions options;

    Listings(RegistryOptions options) {
        this.options = options;
    }

    void tags(Exchange ex) throws IOException {
        Repository repo = ex.repository();
        int n = pageSize(ex);
        Optional<Tag> last = ex.query("last").map(Names::tag);
        Page<Tag> page = n == 0 ? emptyPageAfterCheck(repo) : options.storage().manifests().tags(repo, last, n);
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("name", repo.name());
        ArrayNode tags = body.putArray("tags");
        page.items().forEach(t -> tags.add(t.value()));
        link(ex, page, "/v2/" + repo + "/tags/list", n, Tag::value);
        ex.json(200, "application/json", body);
    }

    private Page<Tag> emptyPageAfterCheck(Repository repo) throws IOException {
        options.storage().manifests().tags(repo, Optional.empty(), 1); // NAME_UNKNOWN still applies
        return new Page<>(List.of(), false);
    }

    void catalog(Exchange ex) throws IOException {
        int n = pageSize(ex);
        Optional<Repository> last = ex.query("last").map(Names::repository);
        Page<Repository> page = n == 0 ? new Page<>(List.of(), false) : visibleRepositories(ex, last, n);
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode repositories = body.putArray("repositories");
        page.items().forEach(r -> repositories.add(r.name()));
        link(ex, page, "/v2/_catalog", n, Repository::name);
        ex.json(200, "application/json", body);
    }

    /** A page of the repositories the caller may pull, reading on past the ones it may not. */
    private Page<Repository> visibleRepositories(Exchange ex, Optional<Repository> last, int n) throws IOException {
        if (ex.caller.isEmpty()) {
            return options.storage().manifests().repositories(last, n);
        }
        List<Repository> visible = new java.util.ArrayList<>();
        // one past n tells whether there is more
        options.storage().manifests().forEachRepository(last, MAX_PAGE, repo -> {
            if (ex.mayPull(repo)) {
                visible.add(repo);
            }
            return visible.size() <= n;
        });
        return Page.of(visible, n);
    }

    void referrers(Exchange ex) throws IOException {
        Repository repo = ex.repository();
        Digest subject = ex.pathDigest("digest");
        if (!options.referrers()) {
            throw new RegistryException(ErrorCode.UNSUPPORTED, 404, "the referrers API is turned off on this registry; "
                    + "use the referrers tag schema (" + Tag.referrersTag(subject) + ")", null);
        }
        Optional<String> artifactType = ex.query("artifactType").filter(s -> !s.isEmpty());
        List<Descriptor> referrers = options.storage().manifests().referrers(repo, subject);
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("schemaVersion", 2);
        body.put("mediaType", MediaType.OCI_INDEX.value());
        ArrayNode manifests = body.putArray("manifests");
        for (Descriptor d : referrers) {
            if (artifactType.isPresent() && !artifactType.equals(d.artifactType())) {
                continue;
            }
            ObjectNode node = manifests.addObject();
            node.put("mediaType", d.mediaType().value());
            node.put("digest", d.digest().toString());
            node.put("size", d.size());
            d.artifactType().ifPresent(t -> node.put("artifactType", t));
            if (!d.annotations().isEmpty()) {
                ObjectNode annotations = node.putObject("annotations");
                d.annotations().forEach(annotations::put);
            }
        }
        if (artifactType.isPresent()) {
            ex.header("OCI-Filters-Applied", "artifactType");
        }
        ex.json(200, MediaType.OCI_INDEX.value(), body);
    }

    private static int pageSize(Exchange ex) {
        Optional<String> n = ex.query("n");
        if (n.isEmpty() || n.get().isEmpty()) {
            return MAX_PAGE;
        }
        try {
            int value = Integer.parseInt(n.get());
            if (value < 0) {
                throw new NumberFormatException();
            }
            return Math.min(value, MAX_PAGE);
        } catch (NumberFormatException e) {
            throw new RegistryException(ErrorCode.UNSUPPORTED, 400, "n must be a non-negative integer, got "
                    + Router.printable(n.get()), null);
        }
    }

    private static <T> void link(Exchange ex, Page<T> page, String path, int n,
                                 java.util.function.Function<T, String> key) {
        if (page.more() && !page.items().isEmpty()) {
            String last = key.apply(page.items().get(page.items().size() - 1));
            ex.header("Link", "<" + path + "?n=" + n + "&last=" + URLEncoder.encode(last, StandardCharsets.UTF_8)
                    + ">; rel=\"next\"");
        }
    }
}
