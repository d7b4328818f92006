package org.mip6kit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.testing.HostRequirements;

/**
 * The embedding guide's example program ({@code docs/examples/embedding}, docs/embedding-guide.md)
 * is compiled and run as a Java developer would: copied out of the source tree (pom.xml and
 * src/ only), built with {@code mvn -q -o -B package} against this build's {@code mip6kit-bom},
 * {@code mip6kit-engine}, {@code mip6kit-api} and {@code mip6kit-auth-option-4285} in a throw-away
 * local repository ({@link ExampleProviderJar#localRepositoryWithThisBuildInstalled}, the
 * mechanism the example provider's build uses), then started with {@code java -jar}. Its home
 * agent and mobile node must register over loopback UDP, show the binding, deregister and exit 0;
 * its logging backend must carry the engine's lines; an unknown provider name must end it with
 * status 2 and the names found.
 *
 * <p>Tagged {@code large}: it starts Maven and a JVM. Needs {@code mvn}, the IPv6 loopback
 * address and the packaged jars of those modules (the {@code large-tests} execution runs after
 * {@code package}; {@code cli} depends on all of them through the reactor).
 */
@Tag("large")
class EmbeddingExampleTest {

    private static final Duration MAVEN_LIMIT = Duration.ofSeconds(180);
    private static final Duration RUN_LIMIT = Duration.ofSeconds(60);
    /** What the example's build needs of this build: module directory → artifact id. */
    private static final Map<String, String> MODULES = Map.of("mip6-api", "mip6kit-api",
            "mip6-engine", "mip6kit-engine", "providers/auth-option-4285", "mip6kit-auth-option-4285");
    private static final String JAR = "embedding-example-1.0.0-SNAPSHOT.jar";

    @TempDir
    static Path work;

    private static Path jar;

    /** What one run of the program left. */
    private record Run(int exitCode, String out, String err, Path tmp) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    @BeforeAll
    static void buildTheExampleAsAnEmbedderWould() throws Exception {
        Path mvn = HostRequirements.command("mvn", "maven");
        Path root = Mip6kitLauncherTest.repositoryRoot();
        String version = ExampleProviderJar.projectVersion(root);
        Path repository = work.resolve("repository");
        Path project = work.resolve("embedding");
        ExampleProviderJar.copyProject(root.resolve("docs/examples/embedding"), project);
        Path log = work.resolve("mvn.log");
        List<String> command = List.of(mvn.toString(), "-q", "-o", "-B", "-Dstyle.color=never",
                "-Dmaven.repo.local=" + repository, "-Dmip6kit.version=" + version, "package");
        try {
            ExampleProviderJar.localRepositoryWithThisBuildInstalled(root, version, repository, MODULES);
            Process p = new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            try {
                if (!p.waitFor(MAVEN_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    fail("`%s` did not finish within %s; output:%n%s", String.join(" ", command), MAVEN_LIMIT,
                            Files.readString(log, StandardCharsets.UTF_8));
                }
                if (p.exitValue() != 0) {
                    fail("`%s` in %s exited %d: the example no longer builds; output:%n%s", String.join(" ", command),
                            project, p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
                }
            } finally {
                stop(p);
            }
        } finally {
            ExampleProviderJar.unlinkTheUsersRepository(repository);
        }
        jar = project.resolve("target").resolve(JAR);
        assertThat(jar).as("the example's jar").isRegularFile();
    }

    @Test
    void exampleRegistersPrintsTheBindingAndCountersDeregistersAndExitsZero() throws Exception {
        Run run = run("ok");

        assertThat(run.exitCode()).as("%s", run).isZero();
        String out = run.out();
        assertThat(out).as("%s", run)
                .containsPattern("(?m)^provider\\s+auth-option-4285 \\S+ \\(IN_MESSAGE\\)$")
                .containsPattern("(?m)^home agent 2001:db8:1::1 serving 2001:db8:1::/64 on udp \\[::1]:\\d+$")
                .containsPattern("(?m)^event mn  registration-accepted identity=nai:mn1@example\\.com "
                        + "hoa=2001:db8:1::100 coa=2001:db8:2::100 status=[^\\n]*accepted\\(0\\)")
                .containsPattern("(?m)^event ha  binding-created identity=nai:mn1@example\\.com "
                        + "hoa=2001:db8:1::100 coa=2001:db8:2::100 status=[^\\n]*accepted\\(0\\)")
                .containsPattern("(?m)^registered nai:mn1@example\\.com home address 2001:db8:1::100 "
                        + "care-of 2001:db8:2::100 lifetime 300s sequence \\d+$")
                .containsPattern("(?m)^binding    2001:db8:1::100 -> 2001:db8:2::100 identity nai:mn1@example\\.com "
                        + "sequence \\d+ lifetime 300s expires \\S+$")
                .containsPattern("(?m)^event ha  binding-deleted identity=nai:mn1@example\\.com hoa=2001:db8:1::100 ")
                .containsPattern("(?m)^event mn  deregistered identity=nai:mn1@example\\.com hoa=2001:db8:1::100 ")
                .containsPattern("(?m)^deregistered: the home agent holds no binding \\(1 kept for replay protection\\)$")
                .doesNotContain("failed");

        // Counters print their values (not an object hash): a registration and a deregistration were
        // accepted (more only if a Binding Update was retransmitted), nothing refused or dropped.
        Matcher counters = Pattern.compile("(?m)^counters   Counters\\[received=(\\d+), malformed=(\\d+), "
                + "ignored=(\\d+), dropped=(\\d+), rejected=(\\d+), refused=(\\d+), accepted=(\\d+), ").matcher(out);
        assertThat(counters.find()).as("the counters line in%n%s", out).isTrue();
        long received = Long.parseLong(counters.group(1));
        long accepted = Long.parseLong(counters.group(7));
        assertThat(accepted).as("Binding Updates accepted: the registration and the deregistration")
                .isGreaterThanOrEqualTo(2);
        assertThat(received).as("received").isEqualTo(accepted);
        for (int group = 2; group <= 6; group++) {
            assertThat(counters.group(group)).as("malformed, ignored, dropped, rejected, refused: %s", counters.group())
                    .isEqualTo("0");
        }

        // The logging backend (logback, from the example's pom) carries the engine's own lines.
        assertThat(run.err()).as("%s", run)
                .containsPattern("(?m) INFO  org\\.mip6kit\\.inject security provider 'auth-option-4285' ")
                .containsPattern("(?m) INFO  org\\.mip6kit\\.ha binding-created identity=nai:mn1@example\\.com ")
                .containsPattern("(?m) INFO  org\\.mip6kit\\.mn deregistered identity=nai:mn1@example\\.com ");

        // The throwaway key table went with its private directory.
        try (Stream<Path> left = Files.list(run.tmp())) {
            assertThat(left.toList()).as("left in the example's temporary directory").isEmpty();
        }
    }

    @Test
    void anUnknownProviderNameEndsItWithStatus2AndTheNamesFoundAndNoRegistration() throws Exception {
        Run run = run("unknown", "-Dmip6kit.security.provider=no-such-provider");

        assertThat(run.exitCode()).as("%s", run).isEqualTo(2);
        assertThat(run.out()).as("%s", run)
                .contains("provider selection failed: Unknown security provider 'no-such-provider'")
                .contains("Providers found: auth-option-4285")
                .contains("docs/errors.md#unknown-provider")
                .doesNotContain("registered")
                .doesNotContain("event ");
    }

    /** {@code java [options] -jar the-example.jar} with its own temporary directory, its output kept apart. */
    private static Run run(String name, String... options) throws Exception {
        Path dir = Files.createDirectory(work.resolve("run-" + name));
        Path tmp = Files.createDirectory(dir.resolve("tmp"));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Djava.io.tmpdir=" + tmp);
        command.addAll(List.of(options));
        command.addAll(List.of("-jar", jar.toString()));
        Path out = dir.resolve("stdout");
        Path err = dir.resolve("stderr");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        try {
            if (!p.waitFor(RUN_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                fail("`%s` did not finish within %s; output:%n%s%n%s", String.join(" ", command), RUN_LIMIT,
                        read(out), read(err));
            }
            return new Run(p.exitValue(), read(out), read(err), tmp);
        } finally {
            stop(p);
        }
    }

    /** Lenient: a JVM in a POSIX locale may write the event lines' dash as something other than UTF-8. */
    private static String read(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    }

    /** Ends {@code p} and what it started, by PID, if it is still running. */
    private static void stop(Process p) throws InterruptedException {
        if (p.isAlive()) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
