package org.mip6kit.tck.thirdparty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.engine.BindingRecord;
import org.mip6kit.engine.HomeAgentEngine;
import org.mip6kit.engine.HomeAgentSettings;
import org.mip6kit.engine.MobileNodeEngine;
import org.mip6kit.engine.MobileNodeSettings;
import org.mip6kit.engine.VirtualTime;
import org.mip6kit.inject.DiscoveryReport;
import org.mip6kit.inject.FoundProvider;
import org.mip6kit.inject.ProviderSelectionException;
import org.mip6kit.inject.SecurityProviderChoice;
import org.mip6kit.inject.SecurityProviders;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.HomePrefix;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.Placement;
import org.mip6kit.spi.SecurityProviderFactory;
import org.mip6kit.tck.ProviderCompatibilityKit;
import org.mip6kit.transport.CapturedPacket;
import org.mip6kit.transport.InMemoryNetwork;
import org.mip6kit.transport.InMemoryTransport;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityMessage;
import org.mip6kit.wire.MobilityOptionCodec;
import org.mip6kit.wire.MobilityOptionRegistry;
import org.mip6kit.testing.HostRequirements;

/**
 * The third-party story end to end (docs/provider-guide.md, docs/examples/example-provider): the example provider in
 * {@code docs/examples/example-provider} is built as its own Maven project against the
 * <em>installed</em> {@code mip6kit-api} and {@code mip6kit-provider-tck} artifacts only (their
 * versions from the imported {@code mip6kit-bom}), its own tests
 * run the provider compatibility kit, and the jar it produces is then discovered, selected by
 * name from configuration and used by a home agent and a mobile node — with no change to the
 * engine.
 *
 * <h2>How the artifacts get "installed"</h2>
 * During {@code mvn verify} of the reactor nothing is installed yet, and an offline machine may
 * not even have {@code maven-install-plugin} (verify never uses it). So this test makes a
 * throw-away local repository: every directory of the user's local repository is linked in
 * (plugins, JUnit, Guice, ... exactly as the reactor build left them), except
 * {@code org/mip6kit}, which is a real directory holding copies of the jars and POMs this build
 * just produced, laid out as {@code mvn install} lays them out. The user's own repository is
 * never written. The example is copied to a temporary directory (so nothing in it can point
 * back into the source tree) and built with {@code mvn -q -o -B package}.
 *
 * <p>Tagged {@code large}: it starts Maven. Needs {@code mvn} on the PATH and the packaged jars
 * of {@code mip6kit-api}, {@code mip6kit-engine} and {@code mip6kit-provider-tck} (the {@code large-tests}
 * execution runs after {@code package}).
 */
@Tag("large")
class ExampleProviderBuildTest {

    private static final String PROVIDER = "example-psk";
    private static final String EXAMPLE_JAR_PREFIX = "example-psk-provider-";
    private static final Duration MAVEN_LIMIT = Duration.ofSeconds(100);

    private static final String NAI = "mn1@example.com";
    private static final String KEY = "5f4dcc3b5aa765d61d8327deb882cf99a1b2c3d4e5f60718";
    private static final Ipv6Address HOME_AGENT = Ipv6Address.parse("2001:db8:1::1");
    private static final HomePrefix HOME_PREFIX = HomePrefix.parse("2001:db8:1::/64");
    private static final Ipv6Address HOME_ADDRESS = Ipv6Address.parse("2001:db8:1::10");
    private static final Ipv6Address CARE_OF = Ipv6Address.parse("2001:db8:2::10");

    @TempDir
    static Path work;

    private static Build build;

    /** What the Maven run left behind. */
    private record Build(int exitCode, String log, Path project, String mip6kitVersion) {
    }

    @BeforeAll
    static void buildTheExampleAsAThirdPartyWould() throws Exception {
        Path mvn = HostRequirements.command("mvn", "maven");
        Path root = repositoryRoot();
        String version = projectVersion(root);
        Path repository = localRepositoryWithThisBuildInstalled(root, version, work.resolve("repository"));
        Path project = work.resolve("example-provider");
        copyProject(root.resolve("docs/examples/example-provider"), project);

        List<String> command = List.of(mvn.toString(), "-q", "-o", "-B", "-Dstyle.color=never",
                "-Dmaven.repo.local=" + repository, "-Dmip6kit.version=" + version, "package");
        Path log = work.resolve("mvn.log");
        int exit = run(command, project, log, MAVEN_LIMIT);
        build = new Build(exit, Files.readString(log, StandardCharsets.UTF_8), project, version);
    }

    /**
     * Removes the links into the user's repository before JUnit deletes the temporary directory
     * (it would not follow them either, but warns about each one).
     */
    @AfterAll
    static void unlinkTheUsersRepository() throws IOException {
        build = null;
        for (Path dir : List.of(work.resolve("repository"), work.resolve("repository/org"))) {
            if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try (Stream<Path> entries = Files.list(dir)) {
                for (Path p : (Iterable<Path>) entries::iterator) {
                    if (Files.isSymbolicLink(p)) {
                        Files.delete(p); // the link only
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ the build

    @Test
    void exampleBuildsAgainstTheInstalledArtifactsAndPassesTheWholeKit() throws IOException {
        Path jar = exampleJar();

        Path report = build.project().resolve(
                "target/surefire-reports/TEST-com.example.mip6.psk.ExamplePskCompatibilityTest.xml");
        assertThat(report).as("the example's kit run report").exists();
        String xml = Files.readString(report, StandardCharsets.UTF_8);
        long kitTests = Arrays.stream(ProviderCompatibilityKit.class.getDeclaredMethods())
                .filter(m -> m.isAnnotationPresent(Test.class)).count();
        assertThat(kitTests).as("@Test methods in the kit").isGreaterThanOrEqualTo(10);
        assertThat(attribute(xml, "tests")).as("kit tests the example ran").isEqualTo(kitTests);
        assertThat(attribute(xml, "failures")).isZero();
        assertThat(attribute(xml, "errors")).isZero();
        assertThat(attribute(xml, "skipped")).as("kit tests skipped").isZero();

        try (ZipFile zip = new ZipFile(jar.toFile())) {
            assertThat(zip.getEntry("META-INF/services/org.mip6kit.spi.SecurityProviderFactory")).isNotNull();
            assertThat(zip.stream().map(e -> e.getName()).filter(n -> n.startsWith("org/mip6kit/")))
                    .as("mip6kit classes copied into the provider jar").isEmpty();
        }
    }

    // ------------------------------------------------------------------ (a) discovery

    @Test
    void serviceLoaderFindsTheProviderWithNothingButMip6ApiBesideIt() throws Exception {
        Path api = builtJar(repositoryRoot().resolve("mip6-api"), "mip6kit-api", build.mip6kitVersion());
        // The platform class loader as parent: no engine, no Guice, no JUnit, no SLF4J.
        try (URLClassLoader apiOnly = new URLClassLoader(new URL[] {exampleJar().toUri().toURL(), api.toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            Class<?> spi = Class.forName("org.mip6kit.spi.SecurityProviderFactory", false, apiOnly);
            Method descriptor = spi.getMethod("descriptor");
            Method codecs = spi.getMethod("optionCodecs");
            List<String> names = new ArrayList<>();
            for (Object factory : ServiceLoader.load(spi, apiOnly)) {
                Object d = descriptor.invoke(factory);
                names.add((String) d.getClass().getMethod("name").invoke(d));
                assertThat((List<?>) codecs.invoke(factory)).as("option codecs it registers").hasSize(1);
                assertThat(factory.getClass().getClassLoader()).isSameAs(apiOnly);
            }
            assertThat(names).containsExactly(PROVIDER);
        }
    }

    // ------------------------------------------------------------------ (b) selection

    @Test
    void selectionPicksItByTheNameInSecurityProviderAndFailsClosedOnAnotherName() throws Exception {
        requireNoOverride();
        try (URLClassLoader loader = engineSideLoader()) {
            DiscoveryReport report = SecurityProviders.discover(loader);
            assertThat(report.names()).contains(PROVIDER);
            List<FoundProvider> named = report.named(PROVIDER);
            assertThat(named).as("providers named " + PROVIDER).hasSize(1);
            assertThat(Path.of(named.get(0).source()).getFileName()).isEqualTo(exampleJar().getFileName());

            SecurityProviderFactory chosen = report.select(securityProvider(homeAgentFile()));
            assertThat(chosen).isSameAs(named.get(0).factory());
            assertThat(chosen.getClass().getClassLoader()).as("loaded from the example jar").isSameAs(loader);
            assertThat(chosen.descriptor().placement()).isEqualTo(Placement.IN_MESSAGE);

            assertThatThrownBy(() -> report.select("example-pks"))
                    .isInstanceOf(ProviderSelectionException.class)
                    .satisfies(e -> {
                        ProviderSelectionException s = (ProviderSelectionException) e;
                        assertThat(s.reason()).isEqualTo(ProviderSelectionException.Reason.UNKNOWN_PROVIDER);
                        assertThat(s.namesFound()).contains(PROVIDER);
                        assertThat(s.getMessage()).contains("docs/errors.md#unknown-provider");
                    });
        }
    }

    // ------------------------------------------------------------------ (c) in use

    @Test
    void homeAgentAndMobileNodeBuiltWithTheSelectedProviderRegisterAndDeregister() throws Exception {
        requireNoOverride();
        try (URLClassLoader loader = engineSideLoader()) {
            Map<String, Object> haFile = homeAgentFile();
            Map<String, Object> mnFile = mobileNodeFile();
            SecurityProviderFactory haProvider = SecurityProviders.discover(loader).select(securityProvider(haFile));
            SecurityProviderFactory mnProvider = SecurityProviders.discover(loader).select(securityProvider(mnFile));

            VirtualTime time = new VirtualTime();
            InMemoryNetwork network = new InMemoryNetwork(time, 7);
            List<CapturedPacket> wire = Collections.synchronizedList(new ArrayList<>());
            network.addTap(wire::add);
            InMemoryTransport haTransport = network.attach(HOME_AGENT);
            InMemoryTransport mnTransport = network.attach(CARE_OF);

            HomeAgentEngine ha = HomeAgentEngine.builder()
                    .provider(haProvider, providerSection(haFile))
                    .settings(HomeAgentSettings.defaults(HOME_AGENT, HOME_PREFIX))
                    .transports(() -> haTransport)
                    .clock(time.clock())
                    .scheduler(time)
                    .build();
            MobileNodeEngine mn = MobileNodeEngine.builder()
                    .provider(mnProvider, providerSection(mnFile))
                    .settings(MobileNodeSettings.defaults())
                    .transports(() -> mnTransport)
                    .clock(time.clock())
                    .scheduler(time)
                    .careOfAddress(CARE_OF)
                    .build();
            try {
                ha.start();
                CompletableFuture<MobileNodeEngine.Registration> registering = mn.start().toCompletableFuture();
                assertThat(time.advanceUntil(registering::isDone, Duration.ofMillis(100), Duration.ofMinutes(1)))
                        .as("registration finished within a minute of virtual time").isTrue();
                MobileNodeEngine.Registration r = registering.join();

                assertThat(r.identity()).isEqualTo(Identity.nai(NAI));
                assertThat(r.homeAddress()).as("home address from the provider's bootstrap").isEqualTo(HOME_ADDRESS);
                assertThat(r.homeAgent()).isEqualTo(HOME_AGENT);
                assertThat(r.careOfAddress()).isEqualTo(CARE_OF);
                BindingRecord b = ha.binding(HOME_ADDRESS).orElseThrow();
                assertThat(b.isBound()).isTrue();
                assertThat(b.careOfAddress()).isEqualTo(CARE_OF);
                assertThat(b.identity()).as("identity the home agent's provider authenticated").isEqualTo(Identity.nai(NAI));
                assertThat(ha.providerStateCount()).as("replay state for the registered node").isEqualTo(1);

                BindingUpdate bu = firstBindingUpdateOnTheWire(wire, haProvider);
                assertThat(bu.options()).as("options of the Binding Update the provider protected")
                        .anySatisfy(o -> assertThat(o.type()).as("Vendor-Specific option (RFC 5094)").isEqualTo(19));

                CompletableFuture<Void> down = mn.shutdown().toCompletableFuture();
                assertThat(time.advanceUntil(down::isDone, Duration.ofMillis(100), Duration.ofSeconds(30))).isTrue();
                assertThat(ha.bindingCount()).as("bindings after the mobile node's clean shutdown").isZero();
            } finally {
                mn.shutdown();
                time.advance(Duration.ofSeconds(10));
                ha.closeAsync();
                time.runDue();
            }
        }
    }

    // ------------------------------------------------------------------ configuration, as a YAML file would give it

    /** {@code security: {provider: example-psk, example-psk: {nodes: [...]}}}. */
    private static Map<String, Object> homeAgentFile() {
        return Map.of("security", Map.of(
                "provider", PROVIDER,
                PROVIDER, Map.of("replay-window", "10m", "nodes", List.of(
                        Map.of("nai", NAI, "key", KEY, "home-address", HOME_ADDRESS.toString())))));
    }

    /** The mobile node's file: its own credentials, home address and home agent in the provider's section. */
    private static Map<String, Object> mobileNodeFile() {
        return Map.of("security", Map.of(
                "provider", PROVIDER,
                PROVIDER, Map.of("nai", NAI, "key", KEY, "home-address", HOME_ADDRESS.toString(),
                        "home-agent", HOME_AGENT.toString())));
    }

    /** {@code security.provider}. */
    private static String securityProvider(Map<String, Object> file) {
        return (String) security(file).get("provider");
    }

    /** {@code security.<provider>}, as the daemon hands it to the provider. */
    @SuppressWarnings("unchecked")
    private static ConfigSection providerSection(Map<String, Object> file) {
        String name = securityProvider(file);
        return ConfigSection.of("security." + name, null, (Map<String, ?>) security(file).get(name));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> security(Map<String, Object> file) {
        return (Map<String, Object>) file.get("security");
    }

    private static void requireNoOverride() {
        assertThat(System.getProperty(SecurityProviderChoice.OVERRIDE_PROPERTY))
                .as("system property " + SecurityProviderChoice.OVERRIDE_PROPERTY + " would override the configuration")
                .isNull();
    }

    // ------------------------------------------------------------------ the built jar on a class path

    private static Path exampleJar() throws IOException {
        assertThat(build.exitCode()).as("exit code of `mvn -q -o -B package` in the example; output:%n%s",
                tail(build.log(), 80)).isZero();
        Path target = build.project().resolve("target");
        try (Stream<Path> files = Files.list(target)) {
            List<Path> jars = files.filter(p -> p.getFileName().toString().startsWith(EXAMPLE_JAR_PREFIX)
                    && p.getFileName().toString().endsWith(".jar")).toList();
            assertThat(jars).as("jars the example built in " + target).hasSize(1);
            return jars.get(0);
        }
    }

    /** A fresh loader with the example jar, whose parent is this test's class path (engine, Guice, SLF4J). */
    private static URLClassLoader engineSideLoader() throws IOException {
        return new URLClassLoader("example-provider", new URL[] {exampleJar().toUri().toURL()},
                ExampleProviderBuildTest.class.getClassLoader());
    }

    private static BindingUpdate firstBindingUpdateOnTheWire(List<CapturedPacket> wire, SecurityProviderFactory provider) {
        MobilityOptionRegistry options = MobilityOptionRegistry.standard();
        for (MobilityOptionCodec<?> c : provider.optionCodecs()) {
            options = options.with(c);
        }
        MobilityHeaderCodec codec = new MobilityHeaderCodec(options);
        synchronized (wire) {
            for (CapturedPacket p : wire) {
                if (!p.addressing().destination().equals(HOME_AGENT)) {
                    continue;
                }
                try {
                    MobilityMessage m = codec.decode(p.octets(), p.addressing().pseudoHeaderSource(),
                            p.addressing().pseudoHeaderDestination());
                    if (m instanceof BindingUpdate bu) {
                        return bu;
                    }
                } catch (org.mip6kit.wire.MobilityHeaderFormatException e) {
                    fail("the mobile node sent a malformed Mobility Header: " + e.getMessage());
                }
            }
        }
        return fail("no Binding Update went to the home agent");
    }

    // ------------------------------------------------------------------ the throw-away local repository

    /**
     * A local repository that sees everything in the user's one (linked, never written), except
     * {@code org/mip6kit}, which holds this build's parent POM, its BOM and the jars and POMs of
     * mip6kit-api, mip6kit-engine and mip6kit-provider-tck, as {@code mvn install} would lay them out.
     */
    private static Path localRepositoryWithThisBuildInstalled(Path root, String version, Path repository)
            throws IOException {
        Path user = userLocalRepository();
        if (!Files.isDirectory(user.resolve("org/apache/maven/plugins"))) {
            fail("the local Maven repository " + user + " has no plugins: run the reactor build (mvn verify) "
                    + "online once before this offline test");
        }
        Files.createDirectories(repository.resolve("org/mip6kit"));
        try (Stream<Path> top = Files.list(user)) {
            for (Path p : (Iterable<Path>) top::iterator) {
                if (!p.getFileName().toString().equals("org")) {
                    Files.createSymbolicLink(repository.resolve(p.getFileName().toString()), p);
                }
            }
        }
        try (Stream<Path> org = Files.list(user.resolve("org"))) {
            for (Path p : (Iterable<Path>) org::iterator) {
                if (!p.getFileName().toString().equals("mip6kit")) {
                    Files.createSymbolicLink(repository.resolve("org").resolve(p.getFileName().toString()), p);
                }
            }
        }
        install(repository, "mip6kit-parent", version, root.resolve("pom.xml"), null);
        install(repository, "mip6kit-bom", version, root.resolve("bom/pom.xml"), null);
        // module directory -> artifact id
        for (Map.Entry<String, String> module : Map.of("mip6-api", "mip6kit-api", "mip6-engine", "mip6kit-engine",
                "providers/provider-tck", "mip6kit-provider-tck").entrySet()) {
            Path dir = root.resolve(module.getKey());
            String artifactId = module.getValue();
            install(repository, artifactId, version, dir.resolve("pom.xml"), builtJar(dir, artifactId, version));
        }
        return repository;
    }

    private static void install(Path repository, String artifactId, String version, Path pom, Path jar)
            throws IOException {
        Path dir = repository.resolve("org/mip6kit").resolve(artifactId).resolve(version);
        Files.createDirectories(dir);
        Files.copy(pom, dir.resolve(artifactId + "-" + version + ".pom"), StandardCopyOption.REPLACE_EXISTING);
        if (jar != null) {
            Files.copy(jar, dir.resolve(artifactId + "-" + version + ".jar"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static Path builtJar(Path moduleDir, String artifactId, String version) {
        Path jar = moduleDir.resolve("target").resolve(artifactId + "-" + version + ".jar");
        if (!Files.isRegularFile(jar)) {
            fail(jar + " does not exist: this test needs the packaged jars of this build; run it through "
                    + "`mvn verify` (its large-tests execution runs after package)");
        }
        return jar;
    }

    /** {@code -Dmaven.repo.local} if the build passed it, else {@code <localRepository>} of ~/.m2/settings.xml, else ~/.m2/repository. */
    private static Path userLocalRepository() throws IOException {
        String property = System.getProperty("maven.repo.local");
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        Path m2 = Path.of(System.getProperty("user.home"), ".m2");
        Path settings = m2.resolve("settings.xml");
        if (Files.isRegularFile(settings)) {
            Matcher m = Pattern.compile("<localRepository>\\s*([^<]+?)\\s*</localRepository>")
                    .matcher(Files.readString(settings, StandardCharsets.UTF_8));
            if (m.find()) {
                return Path.of(m.group(1).replace("${user.home}", System.getProperty("user.home")));
            }
        }
        return m2.resolve("repository");
    }

    private static String projectVersion(Path root) throws IOException {
        Matcher m = Pattern.compile("<artifactId>mip6kit-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(root.resolve("pom.xml"), StandardCharsets.UTF_8));
        if (!m.find()) {
            fail("cannot read the project version from " + root.resolve("pom.xml"));
        }
        return m.group(1).strip();
    }

    /** The source tree: MIP6KIT_ROOT (set by the parent pom's surefire configuration), else upwards from here. */
    private static Path repositoryRoot() {
        String env = System.getenv("MIP6KIT_ROOT");
        List<Path> candidates = new ArrayList<>();
        if (env != null && !env.isBlank()) {
            candidates.add(Path.of(env));
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            candidates.add(p);
        }
        for (Path p : candidates) {
            if (Files.isRegularFile(p.resolve("docs/examples/example-provider/pom.xml"))
                    && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        return fail("cannot find the mip6kit source tree (docs/examples/example-provider) from " + candidates);
    }

    /** Copies pom.xml and src/ only: a stale target/ from a manual build must not be reused. */
    private static void copyProject(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        Files.copy(from.resolve("pom.xml"), to.resolve("pom.xml"));
        Path src = from.resolve("src");
        Files.walkFileTree(src, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()));
                return FileVisitResult.CONTINUE;
            }
        });
    }

    // ------------------------------------------------------------------ processes

    /**
     * Runs {@code command} in {@code dir} with its output in {@code log}; ends it (and everything
     * it started, by PID) in a finally if it is still running after {@code limit}.
     */
    private static int run(List<String> command, Path dir, Path log, Duration limit) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        try {
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                return fail("`" + String.join(" ", command) + "` did not finish within " + limit + "; output:%n%s",
                        tail(Files.readString(log, StandardCharsets.UTF_8), 80));
            }
            return p.exitValue();
        } finally {
            if (p.isAlive()) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static long attribute(String xml, String name) {
        Matcher m = Pattern.compile("<testsuite\\b[^>]*\\s" + name + "=\"(\\d+)\"").matcher(xml);
        if (!m.find()) {
            fail("no " + name + " attribute in the surefire report");
        }
        return Long.parseLong(m.group(1));
    }

    private static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
