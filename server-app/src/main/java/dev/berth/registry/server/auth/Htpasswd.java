// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * Users and bcrypt hashes in Apache's htpasswd format ({@code htpasswd -B}), re-read when the
 * file changes. Every check does the bcrypt work of the file's most expensive hash: a user's own
 * hash, then decoy hashes of the costs from its own up to the highest (2^c + 2^c + 2^(c+1) + … =
 * 2^max), and an unknown user one decoy of the highest cost. So response times tell neither
 * which users exist nor which costs they have, whatever mix of costs the file holds. Hashes are
 * compared in constant time by Bouncy Castle.
 */
final class Htpasswd {
    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]\\$(\\d\\d)\\$[./A-Za-z0-9]{53}");
    private static final long RECHECK_NANOS = 1_000_000_000L;

    /** The users' hashes, and a decoy hash per cost from the lowest in the file to the highest. */
    private record Loaded(Map<String, String> hashes, Map<Integer, String> decoys, FileTime modified) {
    }

    private final Path file;
    private volatile Loaded loaded;
    private volatile long checkedAt;

    Htpasswd(Path file) throws IOException {
        this.file = file;
        this.loaded = load(file);
        this.checkedAt = System.nanoTime();
    }

    /**
     * Whether {@code password} is the user's; an unknown user takes as long as a wrong password.
     * A client sends its credentials with every request, and bcrypt is slow on purpose, so a
     * success is remembered for a minute under a keyed hash of user and password (never the
     * password itself); a changed file or hash invalidates it.
     */
    boolean verify(String user, char[] password) {
        Loaded current = current();
        String hash = current.hashes().get(user);
        String key = hash == null ? null : remembered(user, password, hash);
        if (key != null) {
            Long until = recent.get(key);
            if (until != null && until > System.nanoTime()) {
                return true;
            }
        }
        List<String> checks = checks(current, hash);
        boolean matches = OpenBSDBCrypt.checkPassword(checks.get(0), password);
        for (String padding : checks.subList(1, checks.size())) {
            OpenBSDBCrypt.checkPassword(padding, password); // work only: the answer is the user's hash's
        }
        if (hash != null && matches) {
            if (recent.size() > 10_000) {
                recent.clear();
            }
            recent.put(key, System.nanoTime() + REMEMBER_NANOS);
        }
        return hash != null && matches;
    }

    /** The bcrypt costs a check of {@code user} runs: their work (the sum of 2^cost) is the same for everyone. */
    List<Integer> costsChecked(String user) {
        Loaded current = current();
        return checks(current, current.hashes().get(user)).stream().map(Htpasswd::cost).toList();
    }

    private static int cost(String hash) {
        return Integer.parseInt(hash.substring(4, 6));
    }

    /** The hashes one check runs: the user's and the decoys that pad it to the highest cost, or one decoy. */
    private static List<String> checks(Loaded current, String hash) {
        int max = current.decoys().keySet().stream().mapToInt(Integer::intValue).max().orElseThrow();
        if (hash == null) {
            return List.of(current.decoys().get(max));
        }
        List<String> checks = new java.util.ArrayList<>(List.of(hash));
        for (int cost = cost(hash); cost < max; cost++) {
            checks.add(current.decoys().get(cost));
        }
        return checks;
    }

    private static final long REMEMBER_NANOS = 60_000_000_000L;
    private final java.util.Map<String, Long> recent = new java.util.concurrent.ConcurrentHashMap<>();
    private final byte[] cacheKey = newKey();

    private static byte[] newKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    private String remembered(String user, char[] password, String hash) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(cacheKey, "HmacSHA256"));
            mac.update(user.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            java.nio.ByteBuffer bytes = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(password));
            mac.update(bytes);
            java.util.Arrays.fill(bytes.array(), (byte) 0);
            mac.update((byte) 0);
            mac.update(hash.getBytes(StandardCharsets.US_ASCII));
            return java.util.HexFormat.of().formatHex(mac.doFinal());
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private Loaded current() {
        long now = System.nanoTime();
        if (now - checkedAt > RECHECK_NANOS) {
            checkedAt = now;
            try {
                if (!Files.getLastModifiedTime(file).equals(loaded.modified())) {
                    loaded = load(file);
                    System.getLogger(Htpasswd.class.getName()).log(System.Logger.Level.INFO,
                            "reloaded " + file + ": " + loaded.hashes().size() + " users");
                }
            } catch (IOException | IllegalArgumentException e) {
                System.getLogger(Htpasswd.class.getName()).log(System.Logger.Level.ERROR,
                        "could not reload " + file + ", keeping the users loaded before: " + e.getMessage());
            }
        }
        return loaded;
    }

    static Loaded load(Path file) throws IOException {
        FileTime modified = Files.getLastModifiedTime(file);
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        Map<String, String> hashes = new HashMap<>();
        List<Integer> costs = new java.util.ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            String hash = colon < 0 ? "" : line.substring(colon + 1);
            var bcrypt = BCRYPT.matcher(hash);
            if (colon <= 0 || !bcrypt.matches()) { // never echo the line: it may hold a secret
                throw new IllegalArgumentException(file + " line " + (i + 1)
                        + ": want user:bcrypt-hash (create it with htpasswd -B); other hash types are refused");
            }
            if (hashes.put(line.substring(0, colon), hash) == null) {
                costs.add(Integer.parseInt(bcrypt.group(1)));
            }
        }
        Map<Integer, String> decoys = new HashMap<>();
        int lowest = costs.stream().mapToInt(Integer::intValue).min().orElse(10);
        int highest = costs.stream().mapToInt(Integer::intValue).max().orElse(10);
        for (int cost = lowest; cost <= highest; cost++) {
            decoys.put(cost, decoy(cost));
        }
        return new Loaded(Map.copyOf(hashes), Map.copyOf(decoys), modified);
    }

    /** A hash of a random password nobody knows, at {@code cost}. */
    private static String decoy(int cost) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        return OpenBSDBCrypt.generate("2b", new SecureRandom().ints(16, 'a', 'z')
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString()
                .toCharArray(), salt, cost);
    }
}
