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
        Optional<String> position = ex.query("last");
        Optional<Tag> last = position.flatMap(Listings::asTag);
        Page<Tag> page = n == 0 ? emptyPageAfterCheck(repo)
                : position.isPresent() && last.isEmpty() ? tagsAfter(repo, position.get(), n)
                : options.view().manifests().tags(repo, last, n);
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("name", repo.name());
        ArrayNode tags = body.putArray("tags");
        page.items().forEach(t -> tags.add(t.value()));
        link(ex, page, "/v2/" + repo + "/tags/list", n, Tag::value);
        ex.json(200, "application/json", body);
    }

    /**
     * {@code last} is a position in the listing, compared as a string (as distribution does), so
     * a value that is no valid tag or name still works: the listing is read from its start and
     * what sorts at or before it is skipped.
     */
    private static Optional<Tag> asTag(String position) {
        try {
            return Optional.of(Tag.parse(position));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Optional<Repository> asRepository(String position) {
        try {
            return Optional.of(Repository.parse(position));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private Page<Tag> tagsAfter(Repository repo, String position, int n) throws IOException {
        List<Tag> after = new java.util.ArrayList<>();
        Optional<Tag> from = Optional.empty();
        while (after.size() <= n) {
            Page<Tag> page = options.view().manifests().tags(repo, from, MAX_PAGE);
            page.items().stream().filter(t -> t.value().compareTo(position) > 0).forEach(after::add);
            if (!page.more() || page.items().isEmpty()) {
                break;
            }
            from = Optional.of(page.items().get(page.items().size() - 1));
        }
        return Page.of(after.size() > n ? after.subList(0, n + 1) : after, n);
    }

    private Page<Tag> emptyPageAfterCheck(Repository repo) throws IOException {
        options.view().manifests().tags(repo, Optional.empty(), 1); // NAME_UNKNOWN still applies
        return new Page<>(List.of(), false);
    }

    void catalog(Exchange ex) throws IOException {
        int n = pageSize(ex);
        Optional<String> position = ex.query("last");
        Optional<Repository> last = position.flatMap(Listings::asRepository);
        Optional<String> skipUpTo = last.isEmpty() ? position : Optional.empty();
        Page<Repository> page = n == 0 ? new Page<>(List.of(), false) : visibleRepositories(ex, last, skipUpTo, n);
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode repositories = body.putArray("repositories");
        page.items().forEach(r -> repositories.add(r.name()));
        link(ex, page, "/v2/_catalog", n, Repository::name);
        ex.json(200, "application/json", body);
    }

    /** A page of the repositories the caller may pull, reading on past the ones it may not. */
    private Page<Repository> visibleRepositories(Exchange ex, Optional<Repository> last, Optional<String> skipUpTo,
                                                 int n) throws IOException {
        if (ex.caller.isEmpty() && skipUpTo.isEmpty()) {
            return options.view().manifests().repositories(last, n);
        }
        List<Repository> visible = new java.util.ArrayList<>();
        // one past n tells whether there is more
        Repositories.forEach(options.view().manifests(), last, MAX_PAGE, repo -> {
            if (skipUpTo.map(p -> repo.name().compareTo(p) > 0).orElse(true) && ex.mayList(repo)) {
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
        List<Descriptor> referrers = options.view().manifests().referrers(repo, subject);
        if (ex.mirror.isPresent() && (referrers.isEmpty() || ex.mirror.get().mode() != MirrorTarget.Mode.DEFAULT)
                && MirroredReferrers.served(ex, ex.mirror.get(), subject, artifactType)) {
            return;
        }
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
