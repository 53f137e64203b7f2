// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server.auth;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.berth.registry.api.Repository;
import dev.berth.registry.core.AccessControl.Action;
import dev.berth.registry.core.Globs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who may pull, push and delete where, from a YAML file:
 * <pre>
 * groups:
 *   admins: [alice]
 *   ci: [robot]
 * rules:
 *   - repositories: ["public/**"]     # globs: * within a name component, ** across them
 *     anonymous: [pull]               # callers without credentials
 *   - repositories: ["**"]
 *     users: [alice]
 *     groups: [ci]
 *     actions: [pull, push]
 *   - repositories: ["**"]
 *     groups: [admins]
 *     actions: [pull, push, delete]
 *   - repositories: ["sandbox/**"]
 *     authenticated: [pull, push]     # every user who logged in
 * </pre>
 * Grants add up; what no rule grants is refused. Unknown keys and actions are refused at start.
 */
record AccessPolicy(List<Rule> rules, Map<String, Set<String>> groups) {
    record Rule(List<String> repositories, List<String> users, List<String> groups, Set<Action> actions,
                Set<Action> anonymous, Set<Action> authenticated) {
        Rule {
            if (repositories == null || repositories.isEmpty()) {
                throw new IllegalArgumentException("every rule needs repositories: [globs]");
            }
            users = users == null ? List.of() : List.copyOf(users);
            groups = groups == null ? List.of() : List.copyOf(groups);
            actions = actions == null ? Set.of() : Set.copyOf(actions);
            anonymous = anonymous == null ? Set.of() : Set.copyOf(anonymous);
            authenticated = authenticated == null ? Set.of() : Set.copyOf(authenticated);
            if (!actions.isEmpty() && users.isEmpty() && groups.isEmpty()) {
                throw new IllegalArgumentException("a rule with actions needs users or groups (or use "
                        + "anonymous: / authenticated:) for " + repositories);
            }
        }

        boolean covers(Repository repo) {
            return Globs.repositories(repositories).test(repo);
        }
    }

    AccessPolicy {
        rules = List.copyOf(rules == null ? List.of() : rules);
        groups = groups == null ? Map.of() : Map.copyOf(groups);
    }

    /** Without a policy file: every user who logged in may do everything, anonymous callers nothing. */
    static AccessPolicy authenticatedMayDoAll() {
        return new AccessPolicy(List.of(new Rule(List.of("**"), null, null, null, null, EnumSet.allOf(Action.class))),
                Map.of());
    }

    static AccessPolicy load(Path file) throws IOException {
        ObjectMapper yaml = com.fasterxml.jackson.dataformat.yaml.YAMLMapper.builder()
                .enable(com.fasterxml.jackson.databind.MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
        try {
            return yaml.readValue(file.toFile(), AccessPolicy.class);
        } catch (UnrecognizedPropertyException e) {
            throw new IllegalArgumentException(file + ": unknown key '" + e.getPropertyName() + "' at "
                    + e.getPathReference() + "; known keys: " + e.getKnownPropertyIds(), e);
        } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
            throw new IllegalArgumentException(file + ": " + e.getOriginalMessage() + " at " + e.getPathReference(), e);
        }
    }

    /** Whether some rule lets callers without credentials pull. */
    boolean anonymousMayPullSomewhere() {
        return rules.stream().anyMatch(rule -> rule.anonymous().contains(Action.PULL));
    }

    /** Whether {@code user} (empty: anonymous) may do {@code action} in {@code repo}. */
    boolean permits(Optional<String> user, Repository repo, Action action) {
        for (Rule rule : rules) {
            if (!rule.covers(repo)) {
                continue;
            }
            if (user.isEmpty()) {
                if (rule.anonymous().contains(action)) {
                    return true;
                }
                continue;
            }
            if (rule.authenticated().contains(action) || rule.anonymous().contains(action)) {
                return true;
            }
            if (rule.actions().contains(action) && (rule.users().contains(user.get())
                    || rule.groups().stream().anyMatch(g -> groups.getOrDefault(g, Set.of()).contains(user.get())))) {
                return true;
            }
        }
        return false;
    }
}
