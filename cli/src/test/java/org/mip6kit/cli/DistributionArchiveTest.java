package org.mip6kit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.testing.HostRequirements;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The distribution archive ({@code cli/target/mip6kit-<version>.tar.gz}, built in
 * {@code package}) as an operator uses it: unpacked with {@code tar} into a temporary directory,
 * the example provider's jar ({@link ExampleProviderJar}) copied into the unpacked
 * {@code plugins/} as plugins/README.md says, and {@code bin/mip6kit} run from there — the demo
 * with that provider, and the home agent daemon configured to use it, stopped with SIGTERM.
 * Also the source tree's {@code ./mip6kit}: its rebuild replaces {@code cli/target/lib} and
 * leaves {@code plugins/} alone.
 */
@Tag("large")
class DistributionArchiveTest {

    private static final Duration MAVEN_LIMIT = Duration.ofSeconds(180);
    private static final long COMMAND_TIMEOUT_SECONDS = 120;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    @Test
    void exampleProviderCopiedIntoTheUnpackedPluginsRunsTheDemoAndTheHomeAgent(@TempDir Path work) throws Exception {
        Path mvn = HostRequirements.command("mvn", "maven");
        Path root = Mip6kitLauncherTest.repositoryRoot();
        String version = ExampleProviderJar.projectVersion(root);
        Path archive = root.resolve("cli/target/mip6kit-" + version + ".tar.gz");
        assertThat(archive).as("built by `mvn package` in cli").isRegularFile();
        Path installed = Files.createDirectory(work.resolve("opt"));
        Launched untar = run(List.of("tar", "-xzf", archive.toString(), "-C", installed.toString()), installed,
                Map.of());
        assertThat(untar.exitCode()).as("%s", untar).isZero();
        Path home = installed.resolve("mip6kit-" + version);
        assertThat(home.resolve("bin/mip6kit")).isExecutable();
        assertThat(home.resolve("bin/mip6kit_completion")).isRegularFile();
        assertThat(home.resolve("lib/mip6kit-cli-" + version + ".jar")).isRegularFile();
        assertThat(home.resolve("conf/ha.yaml")).isRegularFile();
        assertThat(home.resolve("man/man1/mip6kit-ha-run.1")).isRegularFile();
        assertThat(home.resolve("docs/operator-guide.md")).as("the guide conf/*.yaml names").isRegularFile();
        assertThat(home.resolve("LICENSE")).isRegularFile();
        assertThat(home.resolve("NOTICE")).isRegularFile();
        try (var entries = Files.list(home.resolve("plugins"))) {
            assertThat(entries.map(p -> p.getFileName().toString()).toList()).containsExactly("README.md");
        }

        Path built = ExampleProviderJar.build(mvn, root, Files.createDirectory(work.resolve("build")), MAVEN_LIMIT);
        Path jar = Files.copy(built, home.resolve("plugins").resolve(built.getFileName()));
        Path bin = home.resolve("bin/mip6kit");

        Path run = Files.createDirectory(work.resolve("run"));
        Launched demo = run(List.of(bin.toString(), "demo", "--provider", ExampleProviderJar.PROVIDER), run, Map.of());
        assertThat(demo.exitCode()).as("%s", demo).isZero();
        assertThat(demo.out()).doesNotContain("!!")
                .containsPattern("(?m)^provider\\s+example-psk \\S+ \\(IN_MESSAGE\\), from "
                        + Pattern.quote(jar.toString()) + "$")
                .containsPattern("(?m)^HA\\s+binding created: 2001:db8:1::100 ")
                .containsPattern("(?m)^MN\\s+deregistered: status=Binding Update accepted\\(0\\) ");

        Path config = homeAgentConfig(Files.createDirectory(work.resolve("ha")));
        Path socket = config.resolveSibling("ha.sock");
        Path err = config.resolveSibling("ha.stderr");
        Process ha = new ProcessBuilder(bin.toString(), "ha", "run", "--config", config.toString())
                .directory(config.getParent().toFile())
                .redirectOutput(config.resolveSibling("ha.stdout").toFile())
                .redirectError(err.toFile())
                .start();
        try {
            ha.getOutputStream().close();
            HaTestRig.awaitReady(ha, socket, err);
            // The admin socket answers while the engine still starts: the started line follows the bound port.
            long logged = System.nanoTime() + START_TIMEOUT.toNanos();
            while (!Files.readString(err).contains("with security provider") && System.nanoTime() < logged) {
                Thread.sleep(100);
            }
            assertThat(Files.readString(err)).contains("with security provider example-psk").contains(jar.toString());

            // bin/mip6kit execs java: the PID is the daemon's, as a service manager sees it
            Process kill = new ProcessBuilder("kill", "-TERM", Long.toString(ha.pid())).inheritIO().start();
            assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(kill.exitValue()).isZero();

            assertThat(ha.waitFor(30, TimeUnit.SECONDS)).as("stopped; stderr:%n%s", Files.readString(err)).isTrue();
            assertThat(ha.exitValue()).as("exit status; stderr:%n%s", Files.readString(err)).isZero();
            assertThat(Files.readString(err)).contains("SIGTERM received, shutting down");
            assertThat(Files.exists(socket, LinkOption.NOFOLLOW_LINKS)).as("admin socket removed").isFalse();
        } finally {
            ha.destroyForcibly();
            ha.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void everyCommandHasARoffManPageThatManRendersWithoutWarningsNamingTheCommandAndItsOptions(@TempDir Path work)
            throws Exception {
        Path man = HostRequirements.command("man", "man-db");
        Path home = unpack(work);
        Path man1 = home.resolve("man/man1");
        Map<String, CommandLine> commands = new TreeMap<>();
        collect(Mip6kitCommand.commandLine(InputStream.nullInputStream()), commands);
        try (var pages = Files.list(man1)) {
            assertThat(pages.map(p -> p.getFileName().toString()).toList()).as("one page per command")
                    .containsExactlyInAnyOrderElementsOf(commands.keySet().stream().map(page -> page + ".1").toList());
        }
        assertThat(commands).containsKeys("mip6kit", "mip6kit-ha-run", "mip6kit-mn-status", "mip6kit-decode");

        for (Map.Entry<String, CommandLine> entry : commands.entrySet()) {
            Path page = man1.resolve(entry.getKey() + ".1");
            // --warnings: groff's warnings on stderr; a fixed width and locale for a stable layout
            Launched rendered = run(List.of(man.toString(), "--warnings", "-E", "UTF-8", "-l", page.toString()),
                    work, Map.of("MANWIDTH", "100", "LC_ALL", "C.UTF-8", "MANPAGER", "cat", "PAGER", "cat"));
            assertThat(rendered.exitCode()).as("%s", rendered).isZero();
            assertThat(rendered.err()).as("man's warnings for %s", page).isEmpty();
            CommandSpec spec = entry.getValue().getCommandSpec();
            String name = section(rendered.out(), "NAME");
            assertThat(name).as("NAME of %s", page).startsWith(entry.getKey() + " - ");
            String synopsis = section(rendered.out(), "SYNOPSIS");
            assertThat(synopsis).as("SYNOPSIS of %s", page).startsWith(spec.qualifiedName());
            for (OptionSpec option : spec.options()) {
                if (option.hidden()) {
                    continue;
                }
                String shortest = option.shortestName();
                if (shortest.length() == 2) {
                    // picocli's synopsis shows a short name, boolean ones clustered: [-hV]
                    assertThat(synopsis).as("SYNOPSIS of %s", page)
                            .containsPattern("(^| |\\[|\\()-[A-Za-z]*" + shortest.charAt(1) + "[A-Za-z]*[\\] =]");
                } else {
                    assertThat(synopsis).as("SYNOPSIS of %s", page)
                            .containsPattern("(^| |\\[|\\()" + Pattern.quote(option.longestName()) + "[\\] =]");
                }
            }
        }
    }

    /** Every command of the tree by its page name: {@code mip6kit-ha-run} for {@code mip6kit ha run}. */
    private static void collect(CommandLine command, Map<String, CommandLine> into) {
        into.put(command.getCommandSpec().qualifiedName("-"), command);
        for (CommandLine sub : command.getSubcommands().values()) {
            collect(sub, into);
        }
    }

    /** A section of a rendered page (heading at column 0), its lines joined with single spaces. */
    private static String section(String rendered, String heading) {
        StringBuilder text = new StringBuilder();
        boolean inside = false;
        for (String line : rendered.lines().toList()) {
            if (!line.isEmpty() && !Character.isWhitespace(line.charAt(0))) {
                if (inside) {
                    break;
                }
                inside = line.equals(heading);
                continue;
            }
            if (inside && !line.isBlank()) {
                text.append(text.length() == 0 ? "" : " ").append(line.strip());
            }
        }
        assertThat(inside).as("a %s section in%n%s", heading, rendered).isTrue();
        return text.toString().replaceAll("\\s+", " ");
    }

    /** The archive unpacked into {@code work/opt}; returns the distribution's top directory. */
    private static Path unpack(Path work) throws Exception {
        Path root = Mip6kitLauncherTest.repositoryRoot();
        String version = ExampleProviderJar.projectVersion(root);
        Path archive = root.resolve("cli/target/mip6kit-" + version + ".tar.gz");
        assertThat(archive).as("built by `mvn package` in cli").isRegularFile();
        Path installed = Files.createDirectory(work.resolve("opt"));
        Launched untar = run(List.of("tar", "-xzf", archive.toString(), "-C", installed.toString()), installed,
                Map.of());
        assertThat(untar.exitCode()).as("%s", untar).isZero();
        return installed.resolve("mip6kit-" + version);
    }

    @Test
    void sourceTreeLauncherRebuildReplacesCliTargetLibAndLeavesPluginsAlone(@TempDir Path work) throws Exception {
        // A copy of ./mip6kit in a tree of its own, with stand-ins for mvn and java that record what they got:
        // the test exercises the script's own rules without rebuilding the real tree under the running build.
        Path root = Files.createDirectory(work.resolve("tree"));
        Path launcher = Files.copy(Mip6kitLauncherTest.repositoryRoot().resolve("mip6kit"), root.resolve("mip6kit"));
        Path pom = Files.writeString(root.resolve("pom.xml"), "<project/>\n");
        Path plugin = Files.writeString(Files.createDirectories(root.resolve("plugins")).resolve("third-party.jar"),
                "a provider the operator installed\n");
        Path tools = Files.createDirectory(work.resolve("tools"));
        script(tools.resolve("mvn"), """
                #!/bin/sh
                mkdir -p cli/target/lib && : > cli/target/mip6kit-cli.jar && : > cli/target/lib/dependency.jar
                echo built >> "%s"
                """.formatted(work.resolve("builds")));
        Path java = script(tools.resolve("java"), "#!/bin/sh\nprintf '%s\\n' \"$@\"\n");
        Map<String, String> env = Map.of("PATH", tools + ":" + System.getenv("PATH"), "MIP6KIT_JAVA", java.toString());

        Path realPlugins = root.toRealPath().resolve("plugins");
        Launched first = run(List.of(launcher.toString(), "--version"), work, env);
        assertThat(first.exitCode()).as("%s", first).isZero();
        assertThat(first.err()).contains("building mip6kit (first run)");
        assertThat(first.out()).contains(realPlugins + "/*");

        Path stale = Files.writeString(root.resolve("cli/target/lib/stale-dependency.jar"), "old\n");
        Files.setLastModifiedTime(pom, FileTime.from(Instant.now().plusSeconds(60)));
        Launched second = run(List.of(launcher.toString(), "--version"), work, env);

        assertThat(second.exitCode()).as("%s", second).isZero();
        assertThat(second.err()).contains("rebuilding mip6kit (sources changed)");
        assertThat(Files.readAllLines(work.resolve("builds"))).as("two builds").hasSize(2);
        assertThat(stale).as("the rebuild starts from an empty cli/target/lib").doesNotExist();
        assertThat(plugin).as("plugins/ survives the rebuild").hasContent("a provider the operator installed");
        assertThat(second.out()).contains(realPlugins + "/*");
    }

    /** A home agent on loopback (an ephemeral port) that uses example-psk, with its key file. */
    private static Path homeAgentConfig(Path dir) throws Exception {
        Path keys = Files.createDirectory(dir.resolve("keys"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        Path keyFile = Files.createFile(keys.resolve("mn1.hex"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(keyFile, HexFormat.of().formatHex(key) + "\n");
        return Files.writeString(dir.resolve("ha.yaml"), """
                home-agent:
                  address: 2001:db8:1::1
                  home-prefixes: [2001:db8:1::/64]
                  shutdown-timeout: 2s
                transport:
                  udp: { bind: "::1", port: 0 }
                admin:
                  socket: ha.sock
                security:
                  provider: example-psk
                  example-psk:
                    nodes:
                      - nai: mn1@example.com
                        key-file: keys/mn1.hex
                        home-address: 2001:db8:1::10
                """);
    }

    private static Path script(Path path, String text) throws Exception {
        Files.writeString(path, text);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwx------"));
        return path;
    }

    /** One finished process, its output kept. */
    private record Launched(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private static Launched run(List<String> command, Path directory, Map<String, String> environment)
            throws Exception {
        Path out = Files.createTempFile(directory, "stdout", ".txt");
        Path err = Files.createTempFile(directory, "stderr", ".txt");
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command))
                .directory(directory.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        try {
            boolean finished = process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Launched launched = new Launched(finished ? process.exitValue() : -1,
                    Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
            assertThat(finished).as("`%s` finished within %d s; %s", String.join(" ", command),
                    COMMAND_TIMEOUT_SECONDS, launched).isTrue();
            return launched;
        } finally {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
