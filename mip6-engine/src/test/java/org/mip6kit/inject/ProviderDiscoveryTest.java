package org.mip6kit.inject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.inject.fixture.AlphaFactory;
import org.mip6kit.inject.fixture.BetaFactory;
import org.mip6kit.inject.fixture.ConstructorThrowsFactory;
import org.mip6kit.inject.fixture.DescriptorThrowsFactory;
import org.mip6kit.inject.fixture.MissingSuperclassFactory;
import org.mip6kit.inject.fixture.NotAFactory;
import org.mip6kit.inject.fixture.NullDescriptorFactory;

/** Discovery isolates each service entry: a broken one is reported with its location and hides nothing. */
@Tag("medium")
class ProviderDiscoveryTest {

    @TempDir
    Path tmp;
    private ProviderJars jars;

    @BeforeEach
    void jars() {
        jars = new ProviderJars(tmp);
    }

    @AfterEach
    void close() throws Exception {
        jars.close();
    }

    @Test
    void findsEachProviderWithTheJarItsClassCameFrom() {
        Path alpha = jars.jar("alpha.jar", AlphaFactory.class);
        Path beta = jars.jar("beta.jar", BetaFactory.class);

        DiscoveryReport report = jars.discover(alpha, beta);

        assertThat(report.broken()).isEmpty();
        assertThat(report.names()).containsExactly("alpha", "beta");
        FoundProvider found = report.named("alpha").get(0);
        assertThat(found.source()).isEqualTo(alpha.toString());
        assertThat(found.factoryClass()).isEqualTo(AlphaFactory.class.getName());
        assertThat(found.descriptor().version()).isEqualTo("1.0");
        assertThat(report.named("beta").get(0).source()).isEqualTo(beta.toString());
    }

    @Test
    void providerFromAnExplodedDirectoryNamesTheDirectory() {
        Path classes = jars.directory("classes", AlphaFactory.class);

        DiscoveryReport report = jars.discover(classes);

        assertThat(report.named("alpha")).singleElement()
                .satisfies(p -> assertThat(Path.of(p.source())).isEqualTo(classes));
    }

    @Test
    void seesNothingWhenNoJarListsAProvider() {
        DiscoveryReport report = jars.discover();

        assertThat(report.isEmpty()).isTrue();
        assertThat(report.names()).isEmpty();
    }

    @Test
    void missingClassIsReportedWithTheServiceFileThatListedItAndHidesNoOtherProvider() {
        // The missing class comes first in its own file, so a walk that stopped at the error would find nothing.
        Path broken = jars.jar("broken.jar",
                "com.example.Missing\n" + AlphaFactory.class.getName() + "\n", AlphaFactory.class);
        Path beta = jars.jar("beta.jar", BetaFactory.class);

        DiscoveryReport report = jars.discover(broken, beta);

        assertThat(report.names()).containsExactly("alpha", "beta");
        assertThat(report.broken()).singleElement().satisfies(b -> {
            assertThat(b.className()).contains("com.example.Missing");
            assertThat(b.source()).isEqualTo(broken + "!/" + ProviderDiscovery.SERVICE_FILE);
            assertThat(b.reason()).isEqualTo("Provider com.example.Missing not found");
        });
    }

    @Test
    void constructorThatThrowsIsReportedWithItsJarAndSkipped() {
        Path throwing = jars.jar("throwing.jar", ConstructorThrowsFactory.class);
        Path alpha = jars.jar("alpha.jar", AlphaFactory.class);

        DiscoveryReport report = jars.discover(throwing, alpha);

        assertThat(report.names()).containsExactly("alpha");
        assertThat(report.broken()).singleElement().satisfies(b -> {
            assertThat(b.source()).isEqualTo(throwing.toString());
            assertThat(b.className()).contains(ConstructorThrowsFactory.class.getName());
            assertThat(b.reason()).isEqualTo("Provider " + ConstructorThrowsFactory.class.getName()
                    + " could not be instantiated: java.lang.IllegalStateException: constructor refuses to run");
            assertThat(b.cause()).hasRootCauseInstanceOf(IllegalStateException.class);
        });
    }

    @Test
    void descriptorThatThrowsIsReportedWithItsJarAndSkipped() {
        Path bad = jars.jar("bad-descriptor.jar", DescriptorThrowsFactory.class);
        Path alpha = jars.jar("alpha.jar", AlphaFactory.class);

        DiscoveryReport report = jars.discover(bad, alpha);

        assertThat(report.names()).containsExactly("alpha");
        assertThat(report.broken()).singleElement().satisfies(b -> {
            assertThat(b.source()).isEqualTo(bad.toString());
            assertThat(b.reason()).startsWith(DescriptorThrowsFactory.class.getName()
                    + ".descriptor() threw java.lang.IllegalArgumentException: provider name must be");
        });
    }

    @Test
    void descriptorThatIsNullIsReportedWithItsJarAndSkipped() {
        Path bad = jars.jar("null-descriptor.jar", NullDescriptorFactory.class, AlphaFactory.class);

        DiscoveryReport report = jars.discover(bad);

        assertThat(report.names()).containsExactly("alpha");
        assertThat(report.broken()).singleElement().satisfies(b -> {
            assertThat(b.source()).isEqualTo(bad.toString());
            assertThat(b.reason()).isEqualTo(NullDescriptorFactory.class.getName() + ".descriptor() returned null");
        });
    }

    @Test
    void classThatIsNotAFactoryIsReportedWithItsJar() {
        Path wrong = jars.jar("wrong.jar", NotAFactory.class, AlphaFactory.class);

        DiscoveryReport report = jars.discover(wrong);

        assertThat(report.names()).containsExactly("alpha");
        assertThat(report.broken()).singleElement().satisfies(b -> {
            assertThat(b.source()).isEqualTo(wrong.toString());
            assertThat(b.reason()).isEqualTo(NotAFactory.class.getName() + " not a subtype");
        });
    }

    @Test
    void providerWhoseSuperclassIsMissingIsReportedWithItsServiceFile() {
        // MissingBase is left out of the jar, so defining the provider class fails with NoClassDefFoundError.
        Path orphan = jars.jar("orphan.jar", ProviderJars.serviceFile(MissingSuperclassFactory.class),
                MissingSuperclassFactory.class);
        Path alpha = jars.jar("alpha.jar", AlphaFactory.class);

        DiscoveryReport report = jars.discover(orphan, alpha);

        assertThat(report.names()).containsExactly("alpha");
        assertThat(report.broken()).singleElement().satisfies(b -> {
            assertThat(b.className()).contains(MissingSuperclassFactory.class.getName());
            assertThat(b.source()).isEqualTo(orphan + "!/" + ProviderDiscovery.SERVICE_FILE);
            assertThat(b.reason()).contains("NoClassDefFoundError").contains("MissingBase");
        });
    }

    @Test
    void syntaxErrorInAServiceFileIsReportedWithThatFile() {
        Path garbled = jars.jar("garbled.jar", "9-not-a-class-name\n");
        Path alpha = jars.jar("alpha.jar", AlphaFactory.class);

        DiscoveryReport report = jars.discover(garbled, alpha);

        assertThat(report.names()).containsExactly("alpha");
        assertThat(report.broken()).singleElement().satisfies(b -> {
            assertThat(b.source()).isEqualTo(garbled + "!/" + ProviderDiscovery.SERVICE_FILE);
            assertThat(b.reason()).contains("Illegal provider-class name: 9-not-a-class-name");
        });
    }

    @Test
    void reportIsImmutable() {
        DiscoveryReport report = jars.discover(jars.jar("alpha.jar", AlphaFactory.class));

        assertThatThrownBy(() -> report.found().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> report.broken().add(new BrokenProvider("x", Optional.empty(), "y", null)))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> report.names().add("beta")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> report.named("alpha").clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThat(report.names()).containsExactly("alpha");
    }

    @Test
    void brokenReasonsAreOneLine() {
        DiscoveryReport report = jars.discover(
                jars.jar("a.jar", "com.example.Missing\n"),
                jars.jar("b.jar", ConstructorThrowsFactory.class),
                jars.jar("c.jar", DescriptorThrowsFactory.class));

        assertThat(report.broken()).hasSize(3);
        List<String> reasons = report.broken().stream().map(BrokenProvider::reason).toList();
        assertThat(reasons).allSatisfy(r -> assertThat(r).doesNotContain("\n").doesNotContain("\r").isNotBlank());
    }
}
