package io.osprey.distribution;

import io.osprey.testkit.Ffmpeg;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A plugin project made by {@code osprey-plugin-archetype} and built by Maven, as a third party would, from
 * locally available artifacts only. A reactor {@code verify} installs nothing, so this build's own artifacts (parent
 * poms, spi, media, runtime, testkit, the archetype) are laid out as a local repository under {@code target/}, used
 * as the child Maven's {@code maven.repo.local}; everything else (plugins, Jetty, JUnit...) comes from the running
 * build's local repository through a {@code file://} mirror of {@code *}, so nothing is downloaded and the shared
 * local repository is never written to.
 */
final class GeneratedPlugin {

    private final Path work;
    private final Path repo;
    private final Path settings;
    private final String version = System.getProperty("osprey.version", "0.1.0-SNAPSHOT");
    final Path project;

    GeneratedPlugin(Path work) throws IOException {
        this.work = work;
        this.repo = work.resolve("repo");
        this.settings = work.resolve("settings.xml");
        this.project = work.resolve("hello-plugin");
        deleteTree(project); // a project left by an earlier run: archetype:generate refuses to overwrite it
        Path root = Path.of("").toAbsolutePath().getParent();
        install(root.resolve("pom.xml"), null, "osprey-parent");
        install(root.resolve("kernel/pom.xml"), null, "osprey-kernel");
        for (String m : List.of("spi", "media", "runtime", "testkit")) {
            Path dir = root.resolve("kernel/" + m);
            install(dir.resolve("pom.xml"), dir.resolve("target/osprey-" + m + "-" + version + ".jar"), "osprey-" + m);
        }
        Path archetype = root.resolve("plugin-archetype");
        install(archetype.resolve("pom.xml"), archetype.resolve("target/osprey-plugin-archetype-" + version + ".jar"),
                "osprey-plugin-archetype");
        String m2 = System.getProperty("osprey.m2", System.getProperty("user.home") + "/.m2/repository");
        Files.writeString(settings, "<settings><mirrors><mirror><id>local-only</id><mirrorOf>*</mirrorOf>"
                + "<url>" + Path.of(m2).toUri() + "</url></mirror></mirrors></settings>\n");
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    private void install(Path pom, Path jar, String artifactId) throws IOException {
        Path dir = repo.resolve("io/osprey/" + artifactId + "/" + version);
        Files.createDirectories(dir);
        Files.copy(pom, dir.resolve(artifactId + "-" + version + ".pom"), StandardCopyOption.REPLACE_EXISTING);
        if (jar != null) {
            Files.copy(jar, dir.resolve(artifactId + "-" + version + ".jar"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** {@code mvn archetype:generate} in batch mode, as docs/writing-a-plugin.md shows it. */
    void generate() throws Exception {
        mvn(work, "org.apache.maven.plugins:maven-archetype-plugin:3.4.1:generate", "-DarchetypeGroupId=io.osprey",
                "-DarchetypeArtifactId=osprey-plugin-archetype", "-DarchetypeVersion=" + version,
                "-DgroupId=com.example", "-DartifactId=hello-plugin", "-Dversion=1.0.0");
    }

    /** Runs Maven in the generated project; returns the jar for {@code projectVersion}. */
    Path build(String projectVersion, String... goals) throws Exception {
        mvn(project, goals);
        Path jar = project.resolve("target/hello-plugin-" + projectVersion + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError("no " + jar + " after mvn " + String.join(" ", goals));
        }
        return jar;
    }

    private void mvn(Path dir, String... args) throws Exception {
        String home = System.getProperty("maven.home");
        List<String> cmd = new ArrayList<>(List.of(home == null || home.isEmpty() ? "mvn" : home + "/bin/mvn",
                "-B", "-ntp", "-s", settings.toString(), "-Dmaven.repo.local=" + repo, "-DinteractiveMode=false"));
        cmd.addAll(List.of(args));
        Path log = work.resolve("mvn-" + System.nanoTime() + ".log");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(10, java.util.concurrent.TimeUnit.MINUTES)) {
            Ffmpeg.stop(p);
            throw new AssertionError("mvn " + String.join(" ", args) + " did not finish in 10 minutes");
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("mvn " + String.join(" ", args) + " failed:\n" + Files.readString(log));
        }
    }
}
