package org.mip6kit.cli;

import static org.assertj.core.api.Assertions.assertThat;

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

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.testing.HostRequirements;

/**
 * A third-party provider installed for {@code ./mip6kit} as plugins/README.md says, and run in
 * the demo: the example provider is built as its own Maven project ({@link ExampleProviderJar}),
 * its jar copied into a directory named by {@code MIP6KIT_PLUGINS} (a temporary one, so the
 * repository's own {@code plugins/} stays as it is), and {@code ./mip6kit demo --provider
 * example-psk} runs as an operating-system process. The provider writes its own throwaway key
 * ({@code demoConfiguration}); the demo must exit 0 having shown every step, from registration
 * to deregistration, with the provider's Vendor-Specific option on the wire; {@code ./mip6kit decode
 * --pcap} of the demo's capture names that option only when the plugin is installed.
 */
@Tag("large")
class DemoPluginLauncherTest {

    private static final Duration MAVEN_LIMIT = Duration.ofSeconds(180);
    /** Room for a rebuild by the launcher; the demo itself takes about five seconds. */
    private static final long DEMO_TIMEOUT_SECONDS = 300;

    @Test
    void exampleProviderInstalledThroughMip6kitPluginsRunsTheWholeDemo(@TempDir Path work) throws Exception {
        Path mvn = HostRequirements.command("mvn", "maven");
        Path root = Mip6kitLauncherTest.repositoryRoot();
        Path jar = ExampleProviderJar.build(mvn, root, Files.createDirectory(work.resolve("build")), MAVEN_LIMIT);
        Path plugins = Files.createDirectory(work.resolve("plugins"));
        Files.copy(jar, plugins.resolve(jar.getFileName()));
        Path run = Files.createDirectory(work.resolve("run"));

        Launched demo = launch(root, run, Map.of("MIP6KIT_PLUGINS", plugins.toString()),
                "demo", "--provider", ExampleProviderJar.PROVIDER);

        assertThat(demo.exitCode()).as("%s", demo).isZero();
        String out = demo.out();
        assertThat(out).as("no failure line").doesNotContain("!!");
        assertThat(out).containsPattern("(?m)^provider\\s+example-psk \\S+ \\(IN_MESSAGE\\), from "
                + Pattern.quote(plugins.resolve(jar.getFileName()).toString()) + "$");
        Matcher written = Pattern.compile("(?m)^keys\\s+example-psk wrote fresh credentials into (\\S+) "
                + "\\(rwx------\\): mn1\\.hex \\(rw-------\\)$").matcher(out);
        assertThat(written.find()).as("the provider's demo credentials:%n%s", out).isTrue();
        assertThat(out)
                .containsPattern("(?m)^MN\\s+bootstrap: nai:mn1@example\\.com, home address 2001:db8:1::100, ")
                .containsPattern("(?m)^HA\\s+binding created: 2001:db8:1::100 -> 2001:db8:2::100 ")
                .containsPattern("(?m)^HA\\s+binding moved: 2001:db8:1::100 -> 192\\.0\\.2\\.100 ")
                .containsPattern("(?m)^HA\\s+binding refreshed: 2001:db8:1::100 -> 192\\.0\\.2\\.100 ")
                .containsPattern("(?m)^HA\\s+binding deleted: 2001:db8:1::100 ")
                .containsPattern("(?m)^MN\\s+deregistered: status=Binding Update accepted\\(0\\) ")
                .containsPattern("(?m)^HA\\s+binding cache: empty ")
                .containsPattern("(?m)^\\s+udp .*; options: .*Vendor Specific");
        assertThat(out).containsPattern("(?m)^keys\\s+removed " + Pattern.quote(written.group(1)) + "$");
        assertThat(Path.of(written.group(1))).as("the credentials are gone").doesNotExist();
        assertThat(run.resolve("mip6kit-demo.pcap")).isRegularFile();

        // decode names the installed provider's option; without the plugin it is just a number
        String pcap = run.resolve("mip6kit-demo.pcap").toString();
        Launched decoded = launch(root, run, Map.of("MIP6KIT_PLUGINS", plugins.toString()), "decode", "--pcap", pcap);
        assertThat(decoded.exitCode()).as("%s", decoded).isZero();
        assertThat(decoded.out()).contains("option Vendor Specific(19) at offset").doesNotContain("Unknown(19)");
        Launched bare = launch(root, run, Map.of(), "decode", "--pcap", pcap);
        assertThat(bare.exitCode()).as("%s", bare).isZero();
        assertThat(bare.out()).contains("option Unknown(19) at offset");
    }

    @Test
    void mip6kitPluginsThatIsNotADirectoryStopsTheLauncherWithExitTwo(@TempDir Path work) throws Exception {
        Path missing = work.resolve("no-such-plugins");

        Launched launched = launch(Mip6kitLauncherTest.repositoryRoot(), work,
                Map.of("MIP6KIT_PLUGINS", missing.toString()), "demo", "--provider", ExampleProviderJar.PROVIDER);

        assertThat(launched.exitCode()).as("%s", launched).isEqualTo(2);
        assertThat(launched.err()).contains("MIP6KIT_PLUGINS=" + missing + " is not a directory")
                .contains("plugins/README.md");
        assertThat(launched.out()).isEmpty();
    }

    /** One run of the launcher, its output kept. */
    private record Launched(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private static Launched launch(Path root, Path directory, Map<String, String> environment, String... args)
            throws Exception {
        Path out = Files.createTempFile(directory, "stdout", ".txt");
        Path err = Files.createTempFile(directory, "stderr", ".txt");
        List<String> command = new ArrayList<>();
        command.add(root.resolve("mip6kit").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        try {
            boolean finished = process.waitFor(DEMO_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Launched launched = new Launched(finished ? process.exitValue() : -1,
                    Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
            assertThat(finished).as("./mip6kit %s finished within %d s; %s", String.join(" ", args),
                    DEMO_TIMEOUT_SECONDS, launched).isTrue();
            return launched;
        } finally {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
