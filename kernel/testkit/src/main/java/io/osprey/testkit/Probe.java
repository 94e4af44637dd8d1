package io.osprey.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Runs ffprobe on a URL or file and reads back its streams. */
public final class Probe {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One stream as ffprobe reports it. */
    public record StreamInfo(String type, String codec, int width, int height, int sampleRate, int channels) {
    }

    /** ffprobe's view: streams and format (duration in seconds, -1 if unknown). */
    public record Result(List<StreamInfo> streams, double duration, String formatName, String raw) {

        public StreamInfo video() {
            return streams.stream().filter(s -> s.type().equals("video")).findFirst().orElse(null);
        }

        public StreamInfo audio() {
            return streams.stream().filter(s -> s.type().equals("audio")).findFirst().orElse(null);
        }
    }

    private Probe() {
    }

    /** Probes {@code input} (extra ffprobe options first, e.g. {@code -read_intervals %+2}). */
    public static Result probe(String input, String... extra) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("-v", "error", "-rw_timeout", "10000000", "-print_format", "json",
                "-show_streams", "-show_format"));
        args.addAll(List.of(extra));
        args.add(input);
        Ffmpeg.Result r = Ffmpeg.run(60, Ffmpeg.ffprobe(), args.toArray(String[]::new));
        if (r.exitCode() != 0) {
            throw new IOException("ffprobe " + input + " failed (" + r.exitCode() + "): " + r.stderr());
        }
        JsonNode root = JSON.readTree(r.stdout());
        List<StreamInfo> streams = new ArrayList<>();
        for (JsonNode s : root.path("streams")) {
            streams.add(new StreamInfo(s.path("codec_type").asText(), s.path("codec_name").asText(),
                    s.path("width").asInt(), s.path("height").asInt(), s.path("sample_rate").asInt(),
                    s.path("channels").asInt()));
        }
        double duration = root.path("format").path("duration").asDouble(-1);
        return new Result(streams, duration, root.path("format").path("format_name").asText(), r.stdout());
    }
}
