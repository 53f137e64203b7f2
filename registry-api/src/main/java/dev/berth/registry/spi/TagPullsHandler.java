// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.spi;

import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;

/**
 * Capability: when tags were last pulled, for retention's {@code pulled-within}. Core writes a
 * tag's pull at most about once an hour per server (not once per pull), and reads the times once
 * per repository in each collection pass. Without this capability, rules that keep recently
 * pulled tags keep every tag they cover.
 */
public interface TagPullsHandler extends ManifestHandler {
    /**
     * pulls-1: durably on return, {@link #pulls} gives {@code tag} of {@code repo} a time at or
     * after {@code at}; recording an earlier time than one recorded before changes nothing (the
     * latest wins, whichever server wrote last). pulls-2: per repository.
     */
    void recordPull(Repository repo, Tag tag, Instant at) throws IOException;

    /**
     * pulls-3: the last recorded pull of each tag of {@code repo} that has one, to the
     * millisecond; tags never recorded are absent; a repository without any, an empty map.
     */
    Map<Tag, Instant> pulls(Repository repo) throws IOException;
}
