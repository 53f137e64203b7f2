// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server.policy;

import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;
import dev.berth.registry.core.ImmutableTags;
import dev.berth.registry.core.Quota;
import dev.berth.registry.core.Quotas;
import dev.berth.registry.core.Retention;
import dev.berth.registry.core.RetentionRule;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The policy file's rules as the registry applies them, re-read within a second of the file
 * changing, as the htpasswd file is; a file that no longer parses keeps the rules loaded before
 * and logs why.
 */
public final class RepositoryPolicy implements ImmutableTags, Quotas {
    private static final long RECHECK_NANOS = 1_000_000_000L;
    private static final System.Logger LOG = System.getLogger(RepositoryPolicy.class.getName());

    private record Loaded(ImmutableTags immutable, List<Quota> quotas, List<RetentionRule> retention, FileTime modified,
                          int rules) {
    }

    private final Path file;
    private final boolean quotasMeasurable;
    private volatile Loaded loaded;
    private volatile long checkedAt;
    /** The version of the file that last failed to load: reported once, not every second. */
    private volatile FileTime failed;

    private RepositoryPolicy(Path file, boolean quotasMeasurable) throws IOException {
        this.file = file;
        this.quotasMeasurable = quotasMeasurable;
        this.loaded = load();
        this.checkedAt = System.nanoTime();
    }

    /**
     * The policy in {@code file}; a missing or broken file fails here, at start. Without
     * {@code quotasMeasurable} (a storage whose blobs cannot be listed) a file with quotas is broken.
     */
    public static RepositoryPolicy open(Path file, boolean quotasMeasurable) throws IOException {
        Objects.requireNonNull(file, "file");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("policy file " + file + " does not exist");
        }
        return new RepositoryPolicy(file, quotasMeasurable);
    }

    private Loaded load() throws IOException {
        FileTime modified = Files.getLastModifiedTime(file);
        PolicyFile policy = PolicyFile.load(file);
        if (!policy.quotas().isEmpty() && !quotasMeasurable) {
            throw new IllegalArgumentException(file + ": quotas need a storage whose blobs Berth can list (disk, s3,"
                    + " memory, or a plugin with a CollectionHandler), without --blobs");
        }
        return new Loaded(policy.immutable(file), policy.quotas(file), policy.retention(file), modified,
                policy.immutableTags().size() + policy.quotas().size() + policy.retention().size());
    }

    /** The quotas in force (as {@link Quotas}). */
    @Override
    public List<Quota> current() {
        return loaded().quotas();
    }

    /** The retention rules in force: what the collector is given, as a {@link Retention}. */
    public Retention retention() {
        return () -> loaded().retention();
    }


    @Override
    public Optional<String> rule(Repository repo, Tag tag) {
        return loaded().immutable().rule(repo, tag);
    }

    @Override
    public boolean mayApply(Repository repo) {
        return loaded().immutable().mayApply(repo);
    }

    private Loaded loaded() {
        long now = System.nanoTime();
        if (now - checkedAt > RECHECK_NANOS) {
            checkedAt = now;
            FileTime modified = null;
            try {
                modified = Files.getLastModifiedTime(file);
                if (!modified.equals(loaded.modified()) && !modified.equals(failed)) {
                    loaded = load();
                    LOG.log(Level.INFO, "reloaded " + file + ": " + loaded.rules() + " rules");
                }
            } catch (IOException | IllegalArgumentException e) {
                failed = modified;
                LOG.log(Level.ERROR, "could not reload " + file + ", keeping the policy loaded before: " + e.getMessage());
            }
        }
        return loaded;
    }
}
