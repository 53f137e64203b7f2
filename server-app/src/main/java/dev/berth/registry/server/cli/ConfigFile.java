// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.berth.registry.spi.DeclaredSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Settings from a YAML file and the environment, under the command line: for every option
 * {@code --gc-interval}, the key is {@code gc-interval:} in the file and {@code BERTH_GC_INTERVAL}
 * in the environment. Precedence: command line, then environment, then file, then the built-in
 * default. Storage settings are the map {@code storage-opt:} ({@code BERTH_STORAGE_OPT=k=v,k2=v2}).
 */
final class ConfigFile implements CommandLine.IDefaultValueProvider {
    /** Options that are about this invocation rather than the server. */
    static final Set<String> NOT_SETTINGS = Set.of("help", "version", "config", "print-config");

    private final Map<String, String> fromFile;
    private final Map<String, String> env;

    private ConfigFile(Map<String, String> fromFile, Map<String, String> env) {
        this.fromFile = fromFile;
        this.env = env;
    }

    /** The file named by {@code --config FILE} (or BERTH_CONFIG), checked against the command's options. */
    static ConfigFile load(String[] args, Map<String, String> env, CommandLine.Model.CommandSpec spec) throws IOException {
        Optional<Path> file = Optional.ofNullable(env.get("BERTH_CONFIG")).map(Path::of);
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                file = Optional.of(Path.of(args[i + 1]));
            } else if (args[i].startsWith("--config=")) {
                file = Optional.of(Path.of(args[i].substring("--config=".length())));
            }
        }
        Map<String, String> values = new LinkedHashMap<>();
        if (file.isPresent()) {
            if (!Files.isRegularFile(file.get())) {
                throw new IllegalArgumentException("config file " + file.get() + " does not exist");
            }
            JsonNode root;
            try {
                root = new YAMLMapper().readTree(file.get().toFile());
            } catch (IOException e) {
                throw new IllegalArgumentException("config file " + file.get() + " is not valid YAML: "
                        + e.getMessage().lines().findFirst().orElse(""), e);
            }
            if (root != null && !root.isMissingNode() && !root.isNull()) {
                if (!(root instanceof ObjectNode object)) {
                    throw new IllegalArgumentException("config file " + file.get() + ": want a mapping of settings");
                }
                Set<String> known = known(spec);
                for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (!known.contains(e.getKey())) {
                        throw new IllegalArgumentException("config file " + file.get() + ": unknown key '" + e.getKey()
                                + "'" + DeclaredSettings.closest(e.getKey(), known).map(k -> " (did you mean '" + k + "'?)").orElse("")
                                + "; keys are the long options without --");
                    }
                    values.put(e.getKey(), flatten(file.get(), e.getKey(), e.getValue()));
                }
            }
        }
        return new ConfigFile(values, env);
    }

    private static Set<String> known(CommandLine.Model.CommandSpec spec) {
        Set<String> names = new TreeSet<>();
        for (OptionSpec o : spec.options()) {
            String name = o.longestName().replaceFirst("^--", "");
            if (!NOT_SETTINGS.contains(name)) {
                names.add(name);
            }
        }
        return names;
    }

    /** A YAML value as picocli reads it: scalars as text, lists joined by commas, maps as k=v pairs. */
    private static String flatten(Path file, String key, JsonNode value) {
        if (value.isValueNode()) {
            return value.asText();
        }
        List<String> parts = new ArrayList<>();
        if (value.isArray()) {
            value.forEach(v -> {
                if (!v.isValueNode()) {
                    throw new IllegalArgumentException("config file " + file + ": " + key + ": want a list of values");
                }
                parts.add(v.asText());
            });
        } else {
            value.fields().forEachRemaining(e -> {
                if (!e.getValue().isValueNode()) {
                    throw new IllegalArgumentException("config file " + file + ": " + key + "." + e.getKey()
                            + ": want a value");
                }
                parts.add(e.getKey() + "=" + e.getValue().asText());
            });
        }
        return String.join(",", parts);
    }

    static String envName(String option) {
        return "BERTH_" + option.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    @Override
    public String defaultValue(ArgSpec argSpec) {
        if (!(argSpec instanceof OptionSpec option)) {
            return null;
        }
        String name = option.longestName().replaceFirst("^--", "");
        if (NOT_SETTINGS.contains(name)) {
            return null;
        }
        String fromEnv = env.get(envName(name));
        if (fromEnv != null) {
            return fromEnv;
        }
        return fromFile.get(name);
    }

    /** The effective settings as YAML, values of secret-looking keys masked. */
    static String print(CommandLine.Model.CommandSpec spec) {
        Map<String, Object> effective = new LinkedHashMap<>();
        for (OptionSpec o : spec.options()) {
            String name = o.longestName().replaceFirst("^--", "");
            if (NOT_SETTINGS.contains(name)) {
                continue;
            }
            Object value = o.getValue();
            if (value instanceof Map<?, ?> map) {
                Map<String, Object> masked = new LinkedHashMap<>();
                map.forEach((k, v) -> masked.put(String.valueOf(k), secret(String.valueOf(k)) ? "****" : v));
                value = masked;
            } else if (value instanceof Path p) {
                value = p.toString();
            } else if (value instanceof List<?> list) {
                value = list.stream().map(String::valueOf).toList();
            }
            effective.put(name, secret(name) && value != null ? "****" : value);
        }
        try {
            return new YAMLMapper().writeValueAsString(effective);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean secret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("secret") || k.contains("password") || k.contains("credential") || k.endsWith("access-key")
                || k.endsWith("token") && !k.startsWith("token-");
    }
}
