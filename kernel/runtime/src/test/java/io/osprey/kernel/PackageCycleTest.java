package io.osprey.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The kernel's packages depend on each other in one direction only: a cycle (say {@code plugin} uses {@code admin}
 * while {@code admin} uses {@code plugin}) means neither can be read, changed or tested without the other. Reads
 * the sources as text: a package depends on another when one of its files names a class of it.
 */
class PackageCycleTest {

    private static final Path ROOT = Path.of("src/main/java/io/osprey/kernel");
    private static final Pattern USE = Pattern.compile("io\\.osprey\\.kernel\\.([a-z]+)\\.[A-Z]");

    @Test
    void noPackageCycles() throws IOException {
        Map<String, Set<String>> uses = uses();
        assertTrue(uses.size() > 5, "read the kernel's sources: " + uses.keySet());
        List<String> cycles = new ArrayList<>();
        for (Map.Entry<String, Set<String>> e : uses.entrySet()) {
            for (String to : e.getValue()) {
                if (reaches(uses, to, e.getKey())) {
                    cycles.add(e.getKey() + " -> " + to + " -> ... -> " + e.getKey());
                }
            }
        }
        assertEquals(List.of(), cycles, "package cycles in kernel/runtime");
    }

    private static Map<String, Set<String>> uses() throws IOException {
        Map<String, Set<String>> uses = new TreeMap<>();
        try (Stream<Path> files = Files.walk(ROOT)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                Path dir = ROOT.relativize(f.getParent());
                String pkg = dir.toString().isEmpty() ? "(root)" : dir.toString().replace('/', '.');
                Set<String> to = uses.computeIfAbsent(pkg, k -> new TreeSet<>());
                Matcher m = USE.matcher(Files.readString(f));
                while (m.find()) {
                    if (!m.group(1).equals(pkg)) {
                        to.add(m.group(1));
                    }
                }
            }
        }
        return uses;
    }

    private static boolean reaches(Map<String, Set<String>> uses, String from, String target) {
        Set<String> seen = new TreeSet<>();
        ArrayDeque<String> todo = new ArrayDeque<>(List.of(from));
        while (!todo.isEmpty()) {
            String p = todo.poll();
            if (p.equals(target)) {
                return true;
            }
            if (seen.add(p)) {
                todo.addAll(uses.getOrDefault(p, Set.of()));
            }
        }
        return false;
    }
}
