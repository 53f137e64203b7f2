// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server.policy;

import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;
import dev.berth.registry.core.ImmutableTags;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import java.util.Optional;

/**
 * The policy file's rules as the registry applies them, re-read within a second of the file
 * changing, as the htpasswd file is; a file that no longer parses keeps the rules loaded before
 * and logs why.
 */
public final class RepositoryPolicy implements ImmutableTags {
    private static final long RECHECK_NANOS = 1_000_000_000L;
    private static final System.Logger LOG = System.getLogger(RepositoryPolicy.class.getName());

    private record Loaded(ImmutableTags immutable, FileTime modified, int rules) {
    }

    private final Path file;
    private volatile Loaded loaded;
    private volatile long checkedAt;
    /** The version of the file that last failed to load: reported once, not every second. */
    private volatile FileTime failed;

    private RepositoryPolicy(Path file, Loaded loaded) {
        this.file = file;
        this.loaded = loaded;
        this.checkedAt = System.nanoTime();
    }

    /** The policy in {@code file}; a missing or broken file fails here, at start. */
    public static RepositoryPolicy open(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("policy file " + file + " does not exist");
        }
        return new RepositoryPolicy(file, load(file));
    }

    private static Loaded load(Path file) throws IOException {
        FileTime modified = Files.getLastModifiedTime(file);
        PolicyFile policy = PolicyFile.load(file);
        return new Loaded(policy.immutable(file), modified, policy.immutableTags().size());
    }

    /** How many immutable-tags rules are in force. */
    public int immutableRules() {
        return current().rules();
    }

    @Override
    public Optional<String> rule(Repository repo, Tag tag) {
        return current().immutable().rule(repo, tag);
    }

    @Override
    public boolean mayApply(Repository repo) {
        return current().immutable().mayApply(repo);
    }

    private Loaded current() {
        long now = System.nanoTime();
        if (now - checkedAt > RECHECK_NANOS) {
            checkedAt = now;
            FileTime modified = null;
            try {
                modified = Files.getLastModifiedTime(file);
                if (!modified.equals(loaded.modified()) && !modified.equals(failed)) {
                    loaded = load(file);
                    LOG.log(Level.INFO, "reloaded " + file + ": " + loaded.rules() + " immutable-tags rules");
                }
            } catch (IOException | IllegalArgumentException e) {
                failed = modified;
                LOG.log(Level.ERROR, "could not reload " + file + ", keeping the policy loaded before: " + e.getMessage());
            }
        }
        return loaded;
    }
}
