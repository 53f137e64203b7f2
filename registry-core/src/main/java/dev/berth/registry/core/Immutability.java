// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;
import dev.berth.registry.spi.ManifestHandler;
import dev.berth.registry.spi.NotFoundException;
import dev.berth.registry.spi.Page;
import dev.berth.registry.spi.PushedManifest;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Enforces {@link ImmutableTags} on pushes and deletes; claims go through {@link StorageView#claim}. */
final class Immutability {
    /** Tags a delete by digest reads per page while looking for an immutable one naming it. */
    private static final int PAGE = 1000;

    private final ImmutableTags rules;
    private final StorageView view;
    /** Without a claiming backend: one node's claims of a tag, one at a time. */
    private final Object[] locks = new Object[64];

    Immutability(ImmutableTags rules, StorageView view) {
        this.rules = rules;
        this.view = view;
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new Object();
        }
    }

    private ManifestHandler store() {
        return view.manifests();
    }

    /** The rule making {@code tag} of {@code repo} immutable, if any. */
    Optional<String> rule(Repository repo, Tag tag) {
        return rules.rule(repo, tag);
    }

    /** Which of {@code tags} are immutable in {@code repo}, with the rule of each. */
    Map<Tag, String> immutable(Repository repo, Set<Tag> tags) {
        Map<Tag, String> fixed = new LinkedHashMap<>();
        for (Tag tag : tags) {
            rules.rule(repo, tag).ifPresent(rule -> fixed.put(tag, rule));
        }
        return fixed;
    }

    /** Refuses before anything is stored when an immutable tag already names another manifest. */
    void checkPush(Repository repo, Map<Tag, String> fixed, Digest digest) throws IOException {
        for (Map.Entry<Tag, String> e : fixed.entrySet()) {
            Optional<Digest> current = current(repo, e.getKey());
            if (current.isPresent() && !current.get().equals(digest)) {
                throw moved(repo, e.getKey(), e.getValue(), current.get(), digest);
            }
        }
    }

    /** Points each immutable tag at the stored {@code manifest} unless a racing push took it first. */
    void claim(Repository repo, Map<Tag, String> fixed, PushedManifest manifest) throws IOException {
        for (Map.Entry<Tag, String> e : fixed.entrySet()) {
            Digest won = claim(repo, e.getKey(), manifest);
            if (!won.equals(manifest.digest())) {
                throw moved(repo, e.getKey(), e.getValue(), won, manifest.digest());
            }
        }
    }

    private Digest claim(Repository repo, Tag tag, PushedManifest manifest) throws IOException {
        if (view.claim().isPresent()) {
            return view.claim().get().claim(repo, tag, manifest.digest());
        }
        synchronized (locks[Math.floorMod(31 * repo.hashCode() + tag.hashCode(), locks.length)]) {
            Optional<Digest> current = current(repo, tag);
            if (current.isPresent()) {
                return current.get();
            }
            store().put(repo, manifest, Set.of(tag));
            return manifest.digest();
        }
    }

    /** Refuses to delete {@code tag} when it is immutable. */
    void checkUntag(Repository repo, Tag tag, Digest pointed) {
        Optional<String> rule = rules.rule(repo, tag);
        if (rule.isPresent()) {
            throw new RegistryException(ErrorCode.DENIED, "tag " + tag + " of " + repo + " is immutable (rule "
                    + rule.get() + "): it cannot be deleted; it names " + pointed);
        }
    }

    /** Refuses to delete manifest {@code digest} while an immutable tag names it. */
    void checkDelete(Repository repo, Digest digest) throws IOException {
        if (!rules.mayApply(repo)) {
            return;
        }
        Optional<Tag> after = Optional.empty();
        while (true) {
            Page<Tag> page;
            try {
                page = store().tags(repo, after, PAGE);
            } catch (NotFoundException e) {
                return; // the delete answers 404
            }
            for (Tag tag : page.items()) {
                Optional<String> rule = rules.rule(repo, tag);
                if (rule.isPresent() && current(repo, tag).filter(digest::equals).isPresent()) {
                    throw new RegistryException(ErrorCode.DENIED, "manifest " + digest + " of " + repo
                            + " is named by the immutable tag " + tag + " (rule " + rule.get() + "): it cannot be deleted");
                }
            }
            if (!page.more() || page.items().isEmpty()) {
                return;
            }
            after = Optional.of(page.items().get(page.items().size() - 1));
        }
    }

    private Optional<Digest> current(Repository repo, Tag tag) throws IOException {
        try {
            return Optional.of(store().resolve(repo, tag));
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    private static RegistryException moved(Repository repo, Tag tag, String rule, Digest current, Digest pushed) {
        return new RegistryException(ErrorCode.DENIED, "tag " + tag + " of " + repo + " is immutable (rule " + rule
                + "): it names " + current + " and cannot be moved to " + pushed + "; push under a new tag");
    }
}
