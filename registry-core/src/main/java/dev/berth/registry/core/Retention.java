// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import dev.berth.registry.api.Repository;
import java.util.List;
import java.util.Optional;

/** The retention rules in force, which a host may change at run time; the first rule covering a repository applies. */
@FunctionalInterface
public interface Retention {
    /** No rule: the collector removes no tag. */
    Retention NONE = List::of;

    List<RetentionRule> current();

    /** Fixed rules. */
    static Retention of(RetentionRule... rules) {
        List<RetentionRule> fixed = List.of(rules);
        return () -> fixed;
    }

    /** The rule for {@code repo}: the first that covers it. */
    default Optional<RetentionRule> ruleFor(Repository repo) {
        return current().stream().filter(r -> r.covers().test(repo)).findFirst();
    }
}
