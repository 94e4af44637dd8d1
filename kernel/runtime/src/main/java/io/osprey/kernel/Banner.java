package io.osprey.kernel;

import io.osprey.kernel.config.Config;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The start-up banner: where to point a browser, OBS and ffmpeg on this host, which config is in effect and where
 * the data and the admin token are. Built from the same facts as {@code GET /api/info}, so the banner, the pages
 * and the API never disagree. Printed at every start.
 */
final class Banner {

    private Banner() {
    }

    /**
     * @param info     the answer of {@code GET /api/info}
     * @param webDir   the served web folder (or null): the page and console lines need it
     * @param tokenAt  where the admin token is, as a phrase
     */
    @SuppressWarnings("unchecked")
    static String render(Map<String, Object> info, Config config, Path webDir, Path dataDir, String tokenAt,
                         String mode, long readyMs) {
        String publicHost = (String) info.get("publicHost");
        String bind = config.server().http.host;
        String host = !publicHost.isEmpty() ? publicHost : !bind.isEmpty() && !bind.equals("0.0.0.0") ? bind : "localhost";
        host = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        int httpPort = port(info.get("http"));
        String web = "http://" + host + (httpPort == 80 ? "" : ":" + httpPort);
        Map<String, Object> outputs = (Map<String, Object>) info.get("outputs");
        List<String> lines = new ArrayList<>();
        lines.add("Osprey " + info.get("version") + " ready in " + readyMs + " ms (" + mode + " mode)");
        if (webDir != null && Files.isRegularFile(webDir.resolve("index.html"))) {
            lines.add(row("Start page", web + "/"));
            lines.add(row("Console", web + "/console/  (admin token: " + tokenAt + ")"));
        } else {
            lines.add(row("Admin API", web + "/api/health  (admin token: " + tokenAt + ")"));
        }
        Object https = info.get("https");
        if (https != null) {
            int p = port(https);
            lines.add(row("HTTPS", "https://" + host + (p == 443 ? "" : ":" + p) + "/  (HTTP/2 and HTTP/1.1)"));
        }
        String rtmp = rtmpBase(info, host);
        if (rtmp != null) {
            lines.add(row("Publish (RTMP)", rtmp + "/live  stream key: stream  (OBS: Server + Stream Key)"));
            lines.add(row("", "ffmpeg -re -i input.mp4 -c copy -f flv " + rtmp + "/live/stream"));
        }
        if (Boolean.TRUE.equals(outputs.get("httpFlv"))) {
            lines.add(row("Play HTTP-FLV", web + "/{app}/{stream}.flv"));
        }
        if (Boolean.TRUE.equals(outputs.get("hls"))) {
            lines.add(row("Play HLS", web + "/hls/{app}/{stream}/index.m3u8"));
        }
        if (publicHost.isEmpty() && (bind.isEmpty() || bind.equals("0.0.0.0"))) {
            List<String> lan = lanAddresses();
            if (!lan.isEmpty()) {
                lines.add(row("Other hosts", "use " + String.join(" or ", lan) + " instead of localhost"
                        + " (server.publicHost sets the name the pages print)"));
            }
        }
        lines.add(row("Config", config.file() == null ? "built-in defaults (no conf/osprey.yaml)"
                : config.file() + (config.server().configScanIntervalMs > 0 ? " (reread when it changes)" : "")));
        if (!config.overrides().isEmpty()) {
            List<String> sets = new ArrayList<>();
            List<String> env = new ArrayList<>();
            config.overrides().forEach((k, src) -> {
                if (src.startsWith("--set")) {
                    sets.add(k);
                } else {
                    env.add(src.substring(src.lastIndexOf(' ') + 1) + " (" + k + ")");
                }
            });
            if (!env.isEmpty()) {
                lines.add(row("Environment", String.join(", ", env)));
            }
            if (!sets.isEmpty()) {
                lines.add(row("--set", String.join(", ", sets)));
            }
        }
        lines.add(row("Data", dataDir.toString()));
        return String.join(System.lineSeparator() + "  ", lines);
    }

    /** The RTMP address to publish to: {@code server.publicRtmpUrl}, or this host and the bound port. */
    static String rtmpBase(Map<String, Object> info, String host) {
        String configured = (String) info.get("publicRtmpUrl");
        if (!configured.isEmpty()) {
            return configured;
        }
        Object rtmp = info.get("rtmp");
        if (rtmp == null) {
            return null;
        }
        int p = port(rtmp);
        return "rtmp://" + host + (p == 1935 ? "" : ":" + p);
    }

    @SuppressWarnings("unchecked")
    private static int port(Object listener) {
        return ((Number) ((Map<String, Object>) listener).get("port")).intValue();
    }

    private static String row(String label, String value) {
        return String.format("%-16s %s", label.isEmpty() ? "" : label + ":", value);
    }

    /** Up to three IPv4 addresses of this machine's interfaces that are up and not loopback. */
    static List<String> lanAddresses() {
        List<String> out = new ArrayList<>();
        try {
            for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!n.isUp() || n.isLoopback()) {
                    continue;
                }
                for (InetAddress a : Collections.list(n.getInetAddresses())) {
                    if (a instanceof Inet4Address && out.size() < 3) {
                        out.add(a.getHostAddress());
                    }
                }
            }
        } catch (SocketException e) {
            // no interfaces to list: the localhost lines stand alone
        }
        return out;
    }
}
