package io.osprey.kernel.osgi;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Manifest;

/**
 * Computes {@code org.osgi.framework.system.packages.extra}: every package that a jar on the kernel's class path
 * exports in its OSGi manifest (the SPI, the media library, Jetty, Jackson, JavaCPP/FFmpeg...), with its version,
 * so bundles import them from the kernel and never load copies of their own.
 */
public final class SystemPackages {

    private SystemPackages() {
    }

    public static String compute(ClassLoader loader) throws IOException {
        Map<String, String> packages = new LinkedHashMap<>();
        Enumeration<URL> manifests = loader.getResources("META-INF/MANIFEST.MF");
        while (manifests.hasMoreElements()) {
            URL url = manifests.nextElement();
            Manifest m;
            try (InputStream in = url.openStream()) {
                m = new Manifest(in);
            }
            String bsn = m.getMainAttributes().getValue("Bundle-SymbolicName");
            String exports = m.getMainAttributes().getValue("Export-Package");
            if (bsn == null && url.getProtocol().equals("jar")) {
                synthesize(url, m, packages);
                continue;
            }
            if (bsn == null || exports == null || bsn.startsWith("org.apache.felix.framework")
                    || bsn.startsWith("osprey-plugin") || kernelPrivate(bsn)) {
                continue;
            }
            for (String clause : splitClauses(exports)) {
                List<String> parts = splitParams(clause);
                String version = null;
                List<String> names = new ArrayList<>();
                for (String part : parts) {
                    String p = part.trim();
                    if (p.startsWith("version=")) {
                        version = p.substring("version=".length()).replace("\"", "");
                    } else if (!p.contains("=")) {
                        names.add(p);
                    }
                }
                for (String name : names) {
                    if (name.startsWith("org.osgi.") || name.startsWith("java.")) {
                        continue;
                    }
                    packages.putIfAbsent(name, version);
                }
            }
        }
        StringBuilder b = new StringBuilder();
        packages.forEach((name, version) -> {
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(name);
            if (version != null) {
                b.append(";version=\"").append(version).append('"');
            }
        });
        return b.toString();
    }

    /**
     * Bundles on the kernel's class path that only the kernel uses: the cluster's Redis client and its own
     * dependencies. Plugins reach the cluster through the SPI ({@code io.osprey.spi.cluster}), never through Jedis.
     */
    private static final List<String> KERNEL_PRIVATE = List.of("redis.clients.", "org.apache.commons.commons-pool2",
            "com.google.gson", "org.json");

    private static boolean kernelPrivate(String bsn) {
        for (String p : KERNEL_PRIVATE) {
            if (bsn.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /** Plain jars whose packages bundles may use; other non-bundle jars stay private to the kernel. */
    private static final List<String> SHARED_PLAIN_JARS = List.of("org/bytedeco/");

    /**
     * Exports the packages of a plain (non-OSGi) jar that is shared with bundles, such as the bytedeco FFmpeg
     * presets, versioned from its {@code Implementation-Version}.
     */
    private static void synthesize(URL manifestUrl, Manifest m, Map<String, String> packages) throws IOException {
        String spec = manifestUrl.getPath();
        int bang = spec.indexOf("!/");
        if (!spec.startsWith("file:") || bang < 0) {
            return;
        }
        java.nio.file.Path jar;
        try {
            jar = java.nio.file.Path.of(new java.net.URI(spec.substring(0, bang)));
        } catch (java.net.URISyntaxException | IllegalArgumentException e) {
            return;
        }
        String version = osgiVersion(m.getMainAttributes().getValue("Implementation-Version"));
        try (java.util.jar.JarFile jf = new java.util.jar.JarFile(jar.toFile())) {
            for (java.util.Enumeration<java.util.jar.JarEntry> e = jf.entries(); e.hasMoreElements(); ) {
                String name = e.nextElement().getName();
                int slash = name.lastIndexOf('/');
                if (!name.endsWith(".class") || slash < 0 || name.startsWith("META-INF/")) {
                    continue;
                }
                String dir = name.substring(0, slash + 1);
                if (SHARED_PLAIN_JARS.stream().anyMatch(dir::startsWith)) {
                    packages.putIfAbsent(dir.substring(0, dir.length() - 1).replace('/', '.'), version);
                }
            }
        }
    }

    /** {@code 8.0.1-1.5.13} to the OSGi form {@code 8.0.1.1_5_13}; null if there is no leading number. */
    static String osgiVersion(String v) {
        if (v == null) {
            return null;
        }
        java.util.regex.Matcher mm = java.util.regex.Pattern.compile("^(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?(.*)$").matcher(v);
        if (!mm.matches()) {
            return null;
        }
        String out = mm.group(1) + "." + (mm.group(2) == null ? "0" : mm.group(2)) + "."
                + (mm.group(3) == null ? "0" : mm.group(3));
        String rest = mm.group(4).replaceAll("^[^A-Za-z0-9]+", "").replaceAll("[^A-Za-z0-9_-]", "_");
        return rest.isEmpty() ? out : out + "." + rest;
    }

    /** Splits an OSGi header on commas outside quotes. */
    static List<String> splitClauses(String header) {
        return split(header, ',');
    }

    static List<String> splitParams(String clause) {
        return split(clause, ';');
    }

    private static List<String> split(String s, char sep) {
        List<String> out = new ArrayList<>();
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == sep && !quoted) {
                out.add(s.substring(start, i).trim());
                start = i + 1;
            }
        }
        String last = s.substring(start).trim();
        if (!last.isEmpty()) {
            out.add(last);
        }
        return out;
    }
}
