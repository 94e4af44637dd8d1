package io.osprey.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A minimal HTTP/1.1 client whose socket is bound to a chosen local address ({@code 127.0.0.2}, {@code 127.0.0.3}
 * ...), so one test can be several clients as the server sees them (the JDK's HttpClient cannot bind). Each
 * {@link #get} is one connection ({@code Connection: close}); {@link #open} leaves a streaming response readable.
 */
public final class BoundHttp {

    private BoundHttp() {
    }

    /** A response: status, headers (lower-case names), body. */
    public record Response(int status, Map<String, String> headers, byte[] body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** GET {@code path} from {@code from} to 127.0.0.1:{@code port}; reads the whole response. */
    public static Response get(String from, int port, String path) throws IOException {
        try (Socket s = connect(from, port)) {
            s.setSoTimeout(10_000);
            send(s, path, "close");
            InputStream in = s.getInputStream();
            int status = statusLine(in);
            Map<String, String> headers = headers(in);
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            String len = headers.get("content-length");
            if (len != null) {
                body.write(in.readNBytes(Integer.parseInt(len.trim())));
            } else if (!"chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                in.transferTo(body);
            } else {
                while (true) { // RFC 9112 7.1
                    String size = line(in);
                    int n = Integer.parseInt(size.split(";")[0].trim(), 16);
                    if (n == 0) {
                        break;
                    }
                    body.write(in.readNBytes(n));
                    line(in);
                }
            }
            return new Response(status, headers, body.toByteArray());
        }
    }

    /** Sends GET {@code path} and reads the status line and headers; the body stays on the returned stream. */
    public static Streaming open(String from, int port, String path) throws IOException {
        Socket s = connect(from, port);
        s.setSoTimeout(10_000);
        send(s, path, "keep-alive");
        InputStream in = s.getInputStream();
        int status = statusLine(in);
        return new Streaming(s, status, headers(in));
    }

    /** An open response; close it to hang up. */
    public record Streaming(Socket socket, int status, Map<String, String> headers) implements AutoCloseable {
        public InputStream body() throws IOException {
            return socket.getInputStream();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static Socket connect(String from, int port) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(from, 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        return s;
    }

    private static void send(Socket s, String path, String connection) throws IOException {
        String req = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: " + connection + "\r\n\r\n";
        s.getOutputStream().write(req.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
    }

    private static int statusLine(InputStream in) throws IOException {
        String l = line(in);
        String[] p = l.split(" ", 3);
        if (p.length < 2 || !p[0].startsWith("HTTP/")) {
            throw new IOException("not an HTTP status line: '" + l + "'");
        }
        return Integer.parseInt(p[1]);
    }

    private static Map<String, String> headers(InputStream in) throws IOException {
        Map<String, String> h = new TreeMap<>();
        for (String l = line(in); !l.isEmpty(); l = line(in)) {
            int c = l.indexOf(':');
            if (c > 0) {
                h.put(l.substring(0, c).trim().toLowerCase(Locale.ROOT), l.substring(c + 1).trim());
            }
        }
        return h;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        while (true) {
            int c = in.read();
            if (c < 0) {
                if (b.length() == 0) {
                    throw new IOException("connection closed");
                }
                return b.toString();
            }
            if (c == '\n') {
                int n = b.length();
                return n > 0 && b.charAt(n - 1) == '\r' ? b.substring(0, n - 1) : b.toString();
            }
            b.append((char) c);
        }
    }
}
