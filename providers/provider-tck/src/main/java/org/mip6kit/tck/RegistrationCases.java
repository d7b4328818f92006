package org.mip6kit.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.mip6kit.engine.BindingRecord;
import org.mip6kit.engine.EngineEvent;
import org.mip6kit.engine.MobileNodeEngine.Registration;
import org.mip6kit.spi.Capability;
import org.mip6kit.spi.ProviderDescriptor;
import org.mip6kit.spi.SecurityProviderFactory;
import org.mip6kit.spi.SpiVersion;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobilityOptionCodec;
import org.mip6kit.wire.MobilityOptionRegistry;

/** The descriptor and the registration life cycle: create, refresh, move, deregister, expire; and scale. */
final class RegistrationCases extends KitCases {

    RegistrationCases(ProviderCompatibilityKit kit) {
        super(kit);
    }

    void descriptorIsStableAndBuiltAgainstThisSpiMajorVersion() {
        SecurityProviderFactory factory = kit.provider();
        ProviderDescriptor d = factory.descriptor();
        assertThat(factory.descriptor()).as("descriptor() returns the same instance every call").isSameAs(d);
        assertThat(d.spiMajorVersion()).as("SPI major version of " + d.name()).isEqualTo(SpiVersion.MAJOR);
        assertThat(d.has(Capability.INTEGRITY)).isTrue();
        MobilityOptionRegistry registry = MobilityOptionRegistry.standard();
        for (MobilityOptionCodec<?> c : factory.optionCodecs()) {
            registry = registry.with(c); // throws if the provider claims a standard option type
        }
        assertThat(registry.codecs()).hasSize(MobilityOptionRegistry.standard().codecs().size()
                + factory.optionCodecs().size());
    }

    void homeRegistrationCreatesBindingOwnedByTheAuthenticatedIdentity() {
        Deployment d = deploy(1);
        KitMobileNode node = d.mobileNode(0);
        Registration r = register(d, node);

        assertThat(r.careOfAddress()).isEqualTo(kit.careOfAddress(0, 0));
        assertThat(r.homeAgent()).isEqualTo(kit.homeAgentAddress());
        BindingRecord b = d.binding(r.homeAddress()).orElseThrow(() -> new AssertionError(
                "the mobile node was told it is registered, but the home agent has no binding for " + r.homeAddress()));
        assertThat(b.careOfAddress()).isEqualTo(kit.careOfAddress(0, 0));
        assertThat(b.identity()).as("the identity the home agent authenticated is the one the node bootstrapped")
                .isEqualTo(r.identity());
        assertThat(b.sequence()).isEqualTo(r.sequence());
        assertThat(b.lifetime()).as("the lifetime the node counts with is the one granted").isEqualTo(r.grantedLifetime());
        assertThat(d.homeAgentEventCount(EngineEvent.Kind.BINDING_CREATED)).isEqualTo(1);
    }

    void refreshBeforeExpiryKeepsTheBindingAlive() {
        Deployment d = deploy(1);
        KitMobileNode node = d.mobileNode(0);
        Registration first = register(d, node);
        Duration span = first.grantedLifetime().toDuration().multipliedBy(3);

        for (Duration passed = Duration.ZERO; passed.compareTo(span) < 0; passed = passed.plusSeconds(30)) {
            d.time().advance(Duration.ofSeconds(30));
            assertThat(d.binding(first.homeAddress())).as("binding after %s", passed.plusSeconds(30)).isPresent();
            assertThat(node.registration()).as("registration after %s", passed.plusSeconds(30)).isPresent();
        }
        BindingRecord now = d.binding(first.homeAddress()).orElseThrow();
        assertThat(now.expiresAt()).as("expiry of the refreshed binding").isAfter(d.time().now());
        assertThat(now.sequence().isNewerThan(first.sequence())).isTrue();
        assertThat(d.homeAgentEventCount(EngineEvent.Kind.BINDING_REFRESHED)).isGreaterThanOrEqualTo(3);
        assertThat(d.homeAgentEventCount(EngineEvent.Kind.BINDING_EXPIRED)).isZero();
    }

    void careOfChangeMovesTheBindingAfterTheProviderIsReady() {
        Deployment d = deploy(1);
        KitMobileNode node = d.mobileNode(0);
        Registration first = register(d, node);

        for (int move = 1; move <= 2; move++) {
            Ipv6Address next = kit.careOfAddress(0, move);
            Registration r = d.await(node.moveTo(next), REGISTRATION_LIMIT, "move to " + next);
            assertThat(r.careOfAddress()).isEqualTo(next);
            BindingRecord b = d.binding(first.homeAddress()).orElseThrow();
            assertThat(b.careOfAddress()).as("binding after move %d", move).isEqualTo(next);
            assertThat(b.identity()).isEqualTo(first.identity());
            assertThat(b.sequence()).isEqualTo(r.sequence());
        }
        assertThat(d.homeAgentEventCount(EngineEvent.Kind.BINDING_MOVED)).isEqualTo(2);
    }

    void deregistrationDeletesTheBindingWhetherReturningHomeOrShuttingDown() {
        Deployment d = deploy(2);
        KitMobileNode home = d.mobileNode(0);
        KitMobileNode leaving = d.mobileNode(1);
        Registration rHome = register(d, home);
        Registration rLeaving = register(d, leaving);

        d.await(home.returnHome(), REGISTRATION_LIMIT, "return home");
        assertThat(d.binding(rHome.homeAddress())).as("binding after returning home").isEmpty();
        assertThat(home.registration()).isEmpty();

        d.await(leaving.shutdown(), REGISTRATION_LIMIT, "clean shutdown");
        assertThat(d.binding(rLeaving.homeAddress())).as("binding after a clean shutdown").isEmpty();

        assertThat(d.homeAgent().bindingCount()).isZero();
        assertThat(d.homeAgentEventCount(EngineEvent.Kind.BINDING_DELETED)).isEqualTo(2);
    }

    void bindingExpiresWhenTheNodeFallsSilent() {
        Deployment d = deploy(1);
        KitMobileNode node = d.mobileNode(0);
        Registration r = register(d, node);
        node.setRule(PathRule.DROP_ALL);

        d.time().advance(r.grantedLifetime().toDuration().minusSeconds(1));
        assertThat(d.binding(r.homeAddress())).as("binding just before its lifetime ends").isPresent();
        d.time().advance(d.settings().sweepInterval().plusSeconds(2));
        assertThat(d.binding(r.homeAddress())).as("binding after its lifetime ended").isEmpty();
        assertThat(d.homeAgent().counters().expired()).isEqualTo(1);
        assertThat(d.homeAgentEventCount(EngineEvent.Kind.BINDING_EXPIRED)).isEqualTo(1);
    }

    void thousandMobileNodesRegisteringConcurrentlyAllSucceed() throws Exception {
        int nodes = 1000;
        Deployment d = deploy(nodes);
        List<KitMobileNode> all = new ArrayList<>(nodes);
        for (int i = 0; i < nodes; i++) {
            all.add(d.mobileNode(i));
        }
        // Started from several threads at once; the protocol then runs on virtual time.
        List<CompletableFuture<Registration>> registering = Collections.synchronizedList(new ArrayList<>());
        ExecutorService starters = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> started = new ArrayList<>();
            for (KitMobileNode n : all) {
                started.add(starters.submit(() -> registering.add(n.start().toCompletableFuture())));
            }
            for (Future<?> f : started) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            starters.shutdownNow();
        }
        d.time().advanceUntil(() -> registering.stream().allMatch(CompletableFuture::isDone), Duration.ofMillis(100),
                REGISTRATION_LIMIT);

        List<String> failed = new ArrayList<>();
        for (CompletableFuture<Registration> f : registering) {
            if (!f.isDone()) {
                failed.add("not done");
            } else if (f.isCompletedExceptionally()) {
                failed.add(f.handle((v, e) -> e.toString()).join());
            }
        }
        assertThat(failed).as("registrations that did not succeed").isEmpty();
        assertThat(d.homeAgent().bindingCount()).isEqualTo(nodes);
        for (KitMobileNode n : all) {
            Registration r = n.registration().orElseThrow();
            BindingRecord b = d.binding(r.homeAddress()).orElseThrow();
            assertThat(b.careOfAddress()).isEqualTo(kit.careOfAddress(n.index(), 0));
            assertThat(b.identity()).isEqualTo(r.identity());
        }
        assertThat(all.stream().map(n -> n.registration().orElseThrow().identity()).distinct().count())
                .as("distinct identities").isEqualTo(nodes);
    }
}
