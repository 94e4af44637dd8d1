package io.osprey.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One server's outcome in one scenario: a status ({@code ok}, or why it could not run), ordered figures (numbers,
 * or text such as "n/a"), notes, and optional time series (soak).
 */
public final class Result {

    private final String server;
    private final String scenario;
    private final String describe;
    private String status = "ok";
    private final Map<String, Object> figures = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private final List<Map<String, Object>> series = new ArrayList<>();

    public Result(String server, String scenario, String describe) {
        this.server = server;
        this.scenario = scenario;
        this.describe = describe;
    }

    public static Result unavailable(String server, String scenario, String why) {
        Result r = new Result(server, scenario, "");
        r.status = "unavailable: " + why;
        return r;
    }

    public Result put(String figure, Object value) {
        figures.put(figure, value);
        return this;
    }

    public Result note(String note) {
        notes.add(note);
        return this;
    }

    public Result fail(String why) {
        status = "failed: " + why;
        return this;
    }

    public void sample(Map<String, Object> point) {
        series.add(point);
    }

    public String server() {
        return server;
    }

    public String scenario() {
        return scenario;
    }

    public String describe() {
        return describe;
    }

    public String status() {
        return status;
    }

    public boolean ok() {
        return status.equals("ok");
    }

    public Map<String, Object> figures() {
        return figures;
    }

    public List<String> notes() {
        return notes;
    }

    public List<Map<String, Object>> series() {
        return series;
    }

    /** A figure as a number, or NaN. */
    public double number(String figure) {
        return figures.get(figure) instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
