// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.spi;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** A backend's settings: string keys and values, with typed accessors that name the bad key. */
@FunctionalInterface
public interface StorageConfig {
    Optional<String> get(String key);

    static StorageConfig of(Map<String, String> values) {
        Map<String, String> copy = Map.copyOf(values);
        return key -> Optional.ofNullable(copy.get(Objects.requireNonNull(key, "key")));
    }

    static StorageConfig empty() {
        return key -> Optional.empty();
    }

    default String string(String key, String defaultValue) {
        return get(key).orElse(defaultValue);
    }

    default Path path(String key, Path defaultValue) {
        return get(key).map(Path::of).orElse(defaultValue);
    }

    default long number(String key, long defaultValue) {
        Optional<String> value = get(key);
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            return Long.parseLong(value.get().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("storage setting " + key + " must be a whole number, got \""
                    + value.get() + "\"", e);
        }
    }

    default boolean flag(String key, boolean defaultValue) {
        Optional<String> value = get(key).map(String::trim);
        if (value.isEmpty()) {
            return defaultValue;
        }
        return switch (value.get()) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new IllegalArgumentException("storage setting " + key + " must be true or false, got \""
                    + value.get() + "\"");
        };
    }

    /** ISO-8601 ({@code PT24H}) or a number with a unit: {@code 90s}, {@code 15m}, {@code 24h}, {@code 7d}. */
    default Duration duration(String key, Duration defaultValue) {
        Optional<String> value = get(key).map(String::trim);
        if (value.isEmpty()) {
            return defaultValue;
        }
        String v = value.get();
        try {
            if (v.startsWith("P") || v.startsWith("p")) {
                return Duration.parse(v);
            }
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            long amount = Long.parseLong(v.substring(0, v.length() - 1));
            return switch (v.charAt(v.length() - 1)) {
                case 's' -> Duration.ofSeconds(amount);
                case 'm' -> Duration.ofMinutes(amount);
                case 'h' -> Duration.ofHours(amount);
                case 'd' -> Duration.ofDays(amount);
                default -> throw new IllegalArgumentException("unit");
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("storage setting " + key
                    + " must be a duration such as 500ms, 90s, 15m, 24h, 7d or PT24H, got \"" + v + "\"", e);
        }
    }
}
