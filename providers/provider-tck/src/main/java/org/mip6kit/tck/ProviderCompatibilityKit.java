package org.mip6kit.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.engine.BindingRecord;
import org.mip6kit.engine.EngineEvent;
import org.mip6kit.engine.HomeAgentEngine;
import org.mip6kit.engine.HomeAgentSettings;
import org.mip6kit.engine.MobileNodeEngine.Registration;
import org.mip6kit.engine.MobileNodeRegistrationException;
import org.mip6kit.engine.MobileNodeSettings;
import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.Capability;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.HomePrefix;
import org.mip6kit.spi.Observed;
import org.mip6kit.spi.Placement;
import org.mip6kit.spi.ProviderDescriptor;
import org.mip6kit.spi.SecurityProviderFactory;
import org.mip6kit.spi.SpiVersion;
import org.mip6kit.wire.AlternateCareOfAddress;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityMessage;
import org.mip6kit.wire.MobilityOption;
import org.mip6kit.wire.MobilityOptionCodec;
import org.mip6kit.wire.MobilityOptionRegistry;
import org.mip6kit.wire.SequenceNumber;

/**
 * The provider compatibility kit: the tests every security provider must pass. A provider's
 * test class extends it and supplies the factory and credentials; the kit runs a real
 * {@link org.mip6kit.engine.HomeAgentEngine} and real {@link org.mip6kit.engine.MobileNodeEngine}s
 * with that provider over an in-memory network on virtual time, with an attacker on the path.
 * See {@code docs/provider-guide.md} for a walk-through.
 *
 * <pre>{@code
 * @Tag("small")
 * class MyProviderCompatibilityTest extends ProviderCompatibilityKit {
 *     protected SecurityProviderFactory provider() { return new MyProviderFactory(); }
 *     protected ConfigSection homeAgentConfig(int nodes) { ... credentials of nodes 0..nodes-1 ... }
 *     protected ConfigSection mobileNodeConfig(int node) { ... node's own credentials ... }
 *     protected ConfigSection mobileNodeConfigWithWrongCredentials(int node) { ... e.g. another key ... }
 * }
 * }</pre>
 *
 * <h2>How it adapts to the placement</h2>
 * <ul>
 * <li>{@link Placement#IN_MESSAGE}: the provider's path gets the kit's in-memory transport as
 *     the engine transport; nothing else is needed.</li>
 * <li>{@link Placement#BELOW_STACK}: the same transport, and every packet a participant receives
 *     carries what {@link #arrival} says the receiving transport observed (the provider's lower
 *     layer would attach, given who really sent it ({@link PacketOrigin}): the node's SA and IKE
 *     identity for its own packets, nothing for the attacker's.</li>
 * <li>{@link Placement#OWNS_CHANNEL}: the provider must carry its channel over the kit's
 *     network instead of a socket. Its test gets each participant's transport with
 *     {@link #homeAgentChannel()} and {@link #mobileNodeChannel(int)} (e.g. from a factory it
 *     builds in {@link #provider()} with a channel opener that calls them), and overrides
 *     {@link #carriesBindingUpdate} so the kit can tell which of its records carry Binding
 *     Updates. A provider that cannot run without a real socket belongs in a medium test of its
 *     own; this kit stays in memory.</li>
 * </ul>
 *
 * <h2>What the attacker can do</h2>
 * The network delivers whatever source address a sender writes, so the attacker replays
 * captured packets verbatim and spoofs addresses; a man in the middle on each participant's
 * outgoing side ({@link InterceptedTransport#setRule}) holds, drops and alters packets in
 * flight, and recomputes the Mobility Header checksum after every change, as a real attacker
 * would (the checksum is not a security mechanism). A provider passes only if every such
 * message is refused by the provider itself, not merely by the engine's sequence-number check.
 *
 * <p>Every test is tagged {@code small}: no sockets, no sleeps, no threads of its own except
 * where it says so; a whole run takes a few seconds of real time.
 */
@Tag("small")
public abstract class ProviderCompatibilityKit {

    /** The lifetime the kit's mobile nodes request (the home agent's default cap is one hour). */
    protected static final Duration REQUESTED_LIFETIME = Duration.ofSeconds(600);

    private static final Duration REGISTRATION_LIMIT = Duration.ofMinutes(5);
    private final List<Deployment> deployments = Collections.synchronizedList(new ArrayList<>());
    private volatile Deployment current;

    // ================================================================== what a provider's test supplies

    /**
     * The provider under test. Called once per test; may return a new factory each time (one
     * that carries a channel opener bound to {@link #homeAgentChannel()}, for instance).
     */
    protected abstract SecurityProviderFactory provider();

    /**
     * The home agent's provider section ({@code security.<name>}) knowing the credentials of
     * mobile nodes {@code 0 .. nodes-1}.
     */
    protected abstract ConfigSection homeAgentConfig(int nodes);

    /** Mobile node {@code node}'s provider section, with its own credentials. */
    protected abstract ConfigSection mobileNodeConfig(int node);

    /**
     * Mobile node {@code node}'s provider section with credentials the home agent must refuse
     * (the right identity with a wrong key, a certificate from another CA, ...).
     */
    protected abstract ConfigSection mobileNodeConfigWithWrongCredentials(int node);

    /**
     * The network fact of where a packet from {@code origin} arrives, as the receiving host's
     * transport observes it: the interface (for a {@link Placement#BELOW_STACK} provider, a
     * node's own packets come out of its IPsec tunnel interface, while a forger's or a node's
     * without a security association arrive on the outside interface) and the local address.
     * The provider draws its own conclusions from it (which SA, which identity); the kit never
     * tells it who sent a packet. Default: nothing observed.
     */
    protected Observed arrival(PacketOrigin origin, Addressing addressing) {
        return Observed.NOTHING;
    }

    /**
     * How long the provider keeps refusing a captured message after it was sent, by remembering
     * it (a timestamp window plus the authenticators seen, an anti-replay window, an association
     * that is still up). The kit replays inside it; it must be at least 3 s. Default 7 s, the
     * RFC 4285 clock tolerance.
     */
    protected Duration replayWindow() {
        return Duration.ofSeconds(7);
    }

    /**
     * Whether a packet carries a Binding Update. Default: it decodes as one. An
     * {@link Placement#OWNS_CHANNEL} provider whose records are opaque says which records carry
     * Binding Updates.
     */
    protected boolean carriesBindingUpdate(Packet packet) {
        return current().decode(packet).filter(m -> m instanceof BindingUpdate).isPresent();
    }

    /** The home agent's address. Default {@code 2001:db8:1::1}. */
    protected Ipv6Address homeAgentAddress() {
        return Ipv6Address.parse("2001:db8:1::1");
    }

    /** The home prefix. Default {@code 2001:db8:1::/64}. */
    protected HomePrefix homePrefix() {
        return HomePrefix.parse("2001:db8:1::/64");
    }

    /**
     * Node {@code node}'s home address, inside {@link #homePrefix()}. Default
     * {@code 2001:db8:1::1:0:<node>}. The kit passes it to bootstrap as the configured home
     * address; a provider that assigns addresses must assign this one in its test configuration.
     */
    protected Ipv6Address homeAddress(int node) {
        Ipv6Address p = homePrefix().prefix();
        return Ipv6Address.of(p.high(), p.low() | 0x1_0000_0000L | node);
    }

    /** Node {@code node}'s care-of address after {@code move} moves. Default {@code 2001:db8:2:<move>::<node+1>}. */
    protected Ipv6Address careOfAddress(int node, int move) {
        return Ipv6Address.of(0x2001_0db8_0002_0000L | move, node + 1L);
    }

    /** The home agent's settings (the kit changes only the replay hold where a test says so). */
    protected HomeAgentSettings homeAgentSettings() {
        return HomeAgentSettings.defaults(homeAgentAddress(), homePrefix());
    }

    /** Node {@code node}'s engine settings; the kit sets the home address itself. */
    protected MobileNodeSettings mobileNodeSettings(int node) {
        return MobileNodeSettings.defaults()
                .withHomeAgent(homeAgentAddress())
                .withRequestedLifetime(REQUESTED_LIFETIME)
                .withGiveUpAfterRetransmissions(4);
    }

    // ================================================================== for OWNS_CHANNEL providers

    /** The home agent's attachment to the kit's network, for a provider that owns its channel. */
    protected final InterceptedTransport homeAgentChannel() {
        return current().homeAgentTransport();
    }

    /** Mobile node {@code node}'s attachment to the kit's network, for a provider that owns its channel. */
    protected final InterceptedTransport mobileNodeChannel(int node) {
        return current().nodeTransport(node);
    }

    // ================================================================== deployments

    /** A home agent knowing {@code nodes} mobile nodes, with the kit's settings. */
    protected final Deployment deploy(int nodes) {
        return deploy(nodes, homeAgentSettings());
    }

    protected final Deployment deploy(int nodes, HomeAgentSettings settings) {
        Deployment d = new Deployment(this, provider(), nodes, settings);
        deployments.add(d);
        return d;
    }

    /** The deployment being built or run by the current test. */
    protected final Deployment current() {
        Deployment d = current;
        if (d == null) {
            throw new IllegalStateException("no deployment yet: call deploy(...) first");
        }
        return d;
    }

    void attach(Deployment d) {
        current = d;
    }

    @AfterEach
    void closeDeployments() {
        synchronized (deployments) {
            for (Deployment d : deployments) {
                d.close();
            }
            deployments.clear();
        }
    }

    // ================================================================== the descriptor

    @Test
    void descriptorIsStableAndBuiltAgainstThisSpiMajorVersion() {
        SecurityProviderFactory factory = provider();
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

    // ================================================================== registration life cycle

    @Test
    void homeRegistrationCreatesBindingOwnedByTheAuthenticatedIdentity() {
        Deployment d = deploy(1);
        KitMobileNode node = d.mobileNode(0);
        Registration r = register(d, node);

        assertThat(r.careOfAddress()).isEqualTo(careOfAddress(0, 0));
        assertThat(r.homeAgent()).isEqualTo(homeAgentAddress());
        BindingRecord b = d.binding(r.homeAddress()).orElseThrow(() -> new AssertionError(
                "the mobile node was told it is registered, but the home agent has no binding for " + r.homeAddress()));
        assertThat(b.careOfAddress()).isEqualTo(careOfAddress(0, 0));
        assertThat(b.identity()).as("the identity the home agent authenticated is the one the node bootstrapped")
                .isEqualTo(r.identity());
        assertThat(b.sequence()).isEqualTo(r.sequence());
        assertThat(b.lifetime()).as("the lifetime the node counts with is the one granted").isEqualTo(r.grantedLifetime());
        assertThat(d.homeAgentEventCount(EngineEvent.Kind.BINDING_CREATED)).isEqualTo(1);
    }

    @Test
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

    @Test
    void careOfChangeMovesTheBindingAfterTheProviderIsReady() {
        Deployment d = deploy(1);
        KitMobileNode node = d.mobileNode(0);
        Registration first = register(d, node);

        for (int move = 1; move <= 2; move++) {
            Ipv6Address next = careOfAddress(0, move);
            Registration r = d.await(node.moveTo(next), REGISTRATION_LIMIT, "move to " + next);
            assertThat(r.careOfAddress()).isEqualTo(next);
            BindingRecord b = d.binding(first.homeAddress()).orElseThrow();
            assertThat(b.careOfAddress()).as("binding after move %d", move).isEqualTo(next);
            assertThat(b.identity()).isEqualTo(first.identity());
            assertThat(b.sequence()).isEqualTo(r.sequence());
        }
        assertThat(d.homeAgentEventCount(EngineEvent.Kind.BINDING_MOVED)).isEqualTo(2);
    }

    @Test
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

    @Test
    void bindingExpiresWhenTheNodeFallsSilent() {
        Deployment d = deploy(1);
        KitMobileNode node = d.mobileNode(0);
        Registration r = register(d, node);
        node.transport().setRule(PathRule.DROP_ALL);

        d.time().advance(r.grantedLifetime().toDuration().minusSeconds(1));
        assertThat(d.binding(r.homeAddress())).as("binding just before its lifetime ends").isPresent();
        d.time().advance(d.settings().sweepInterval().plusSeconds(2));
        assertThat(d.binding(r.homeAddress())).as("binding after its lifetime ended").isEmpty();
        assertThat(d.homeAgent().counters().expired()).isEqualTo(1);
        assertThat(d.homeAgentEventCount(EngineEvent.Kind.BINDING_EXPIRED)).isEqualTo(1);
    }

    // ================================================================== tampering

    @Test
    void tamperedBindingUpdateIsNotAcceptedAndChangesNoBinding() {
        Deployment d = deploy(2);
        KitMobileNode node = d.mobileNode(0);
        Ipv6Address hoa = homeAddress(0);

        // 1. A first registration, held in flight: no binding exists yet.
        List<Packet> held = hold(node);
        CompletionStage<Registration> registering = node.start();
        d.time().runDue();
        Packet genuine = firstBindingUpdate(held, "the first home registration");
        node.transport().setRule(PathRule.PASS);

        injectTamperedCopies(d, genuine);
        assertThat(d.homeAgent().bindingCount()).as("bindings after tampered registrations").isZero();
        assertThat(d.homeAgent().binding(hoa)).as("any entry for the home address").isEmpty();
        assertThat(d.homeAgent().binding(homeAddress(1))).as("any entry for the other node's home address").isEmpty();

        // The untampered original, released late, is accepted: only the tampering made the difference.
        d.release(genuine, node.transport());
        Registration r = d.await(registering, REGISTRATION_LIMIT, "registration with the untampered original");
        assertThat(d.binding(hoa)).isPresent();

        // 2. A refresh of the existing binding, held in flight.
        held = hold(node);
        List<Packet> refreshes = held;
        d.time().advanceUntil(() -> refreshes.stream().anyMatch(this::carriesBindingUpdate), Duration.ofSeconds(1),
                r.grantedLifetime().toDuration());
        Packet refresh = firstBindingUpdate(held, "the refresh");
        node.transport().setRule(PathRule.PASS);
        BindingRecord before = d.homeAgent().binding(hoa).orElseThrow();

        injectTamperedCopies(d, refresh);
        assertThat(d.homeAgent().binding(hoa)).as("the binding after tampered refreshes").contains(before);

        d.release(refresh, node.transport());
        assertThat(d.binding(hoa).orElseThrow().sequence()).as("sequence after the untampered refresh")
                .isNotEqualTo(before.sequence());
    }

    @Test
    void spoofedSourceAddressDoesNotRedirectTheBinding() {
        Deployment d = deploy(1);
        KitMobileNode node = d.mobileNode(0);
        Ipv6Address hoa = homeAddress(0);
        Ipv6Address genuineCareOf = careOfAddress(0, 0);

        List<Packet> held = hold(node);
        CompletionStage<Registration> registering = node.start();
        d.time().runDue();
        Packet genuine = firstBindingUpdate(held, "the first home registration");
        node.transport().setRule(PathRule.PASS);

        d.inject(genuine.readdressed(spoofedSource(genuine.addressing())).withChecksumRecomputed());
        assertThat(d.binding(hoa).map(BindingRecord::careOfAddress))
                .as("a Binding Update whose source was rewritten must not bind the home address to the attacker")
                .satisfiesAnyOf(o -> assertThat(o).isEmpty(), o -> assertThat(o).contains(genuineCareOf));

        Registration r = d.await(registering, REGISTRATION_LIMIT, "registration");
        List<Packet> refreshes = hold(node);
        d.time().advanceUntil(() -> refreshes.stream().anyMatch(this::carriesBindingUpdate), Duration.ofSeconds(1),
                r.grantedLifetime().toDuration());
        Packet refresh = firstBindingUpdate(refreshes, "the refresh");
        node.transport().setRule(PathRule.PASS);
        d.inject(refresh.readdressed(spoofedSource(refresh.addressing())).withChecksumRecomputed());
        assertThat(d.binding(hoa).orElseThrow().careOfAddress())
                .as("care-of address after a refresh whose source was rewritten").isEqualTo(genuineCareOf);
    }

    @Test
    void tamperedAcknowledgementIsIgnoredByTheMobileNode() {
        Deployment d = deploy(1);
        KitMobileNode node = d.mobileNode(0);
        AtomicBoolean tampering = new AtomicBoolean(true);
        AtomicInteger tamperedCopies = new AtomicInteger();
        d.homeAgentTransport().setRule(p -> {
            if (!tampering.get() || !p.addressing().destination().equals(node.careOfAddress())) {
                return List.of(p);
            }
            tampering.set(false);
            List<Packet> copies = tamperedCopies(d, p);
            tamperedCopies.set(copies.size());
            return copies;
        });
        CompletionStage<Registration> registering = node.start();
        d.time().runDue();

        assertThat(tamperedCopies.get()).as("tampered copies of the home agent's first answer").isPositive();
        assertThat(node.registration()).as("registration from tampered acknowledgements only").isEmpty();
        assertThat(registering.toCompletableFuture()).as("registration from tampered acknowledgements only").isNotDone();

        Registration r = d.await(registering, REGISTRATION_LIMIT, "registration with an untampered answer");
        BindingRecord b = d.binding(r.homeAddress()).orElseThrow();
        assertThat(r.grantedLifetime()).as("lifetime the node counts with").isEqualTo(b.lifetime());
        assertThat(r.sequence()).isEqualTo(b.sequence());
    }

    // ================================================================== replay

    @Test
    void replayedBindingUpdateChangesNothingAndIsRefusedByTheProvider() {
        Deployment d = deploy(1);
        KitMobileNode node = d.mobileNode(0);
        Registration r = register(d, node);
        d.await(node.moveTo(careOfAddress(0, 1)), REGISTRATION_LIMIT, "move");
        List<Packet> captured = bindingUpdatesSentBy(node);
        assertThat(captured).as("Binding Updates the node sent").hasSizeGreaterThanOrEqualTo(2);
        BindingRecord before = d.binding(r.homeAddress()).orElseThrow();

        Verdicts verdicts = Verdicts.of(d.homeAgent());
        for (Packet p : captured) {
            d.inject(p);
        }
        assertThat(d.homeAgent().binding(r.homeAddress())).as("the binding after replays (the first one moves it back "
                + "to " + careOfAddress(0, 0) + " if accepted)").contains(before);
        verdicts.assertRefusedByProvider(d, captured.size(), "replayed Binding Updates");
    }

    @Test
    void bindingUpdateReplayedAfterDeregistrationDoesNotRecreateTheBinding() {
        Deployment d = deploy(1);
        KitMobileNode node = d.mobileNode(0);
        Registration r = register(d, node);
        Packet captured = bindingUpdatesSentBy(node).get(0);
        d.time().advance(Duration.ofSeconds(1));
        d.await(node.returnHome(), REGISTRATION_LIMIT, "deregistration");
        assertThat(d.binding(r.homeAddress())).isEmpty();
        requireInsideReplayWindow(d, r);

        Verdicts verdicts = Verdicts.of(d.homeAgent());
        d.inject(captured);
        assertThat(d.binding(r.homeAddress())).as("binding after replaying a Binding Update from before the "
                + "deregistration").isEmpty();
        assertThat(d.homeAgent().bindingCount()).isZero();
        verdicts.assertRefusedByProvider(d, 1, "a Binding Update replayed after deregistration");
    }

    @Test
    void providerRemembersReplaysAfterTheEngineHasForgottenTheBinding() {
        // The engine keeps its own replay hold; shortened here so that the provider's replay
        // state alone decides, as RFC 4285 §5.2 makes the mobility message authentication the
        // replay protection.
        Deployment d = deploy(1, homeAgentSettings().withReplayHold(Duration.ofSeconds(1)));
        KitMobileNode node = d.mobileNode(0);
        Registration r = register(d, node);
        Packet captured = bindingUpdatesSentBy(node).get(0);
        d.await(node.returnHome(), REGISTRATION_LIMIT, "deregistration");
        d.time().advanceUntil(() -> d.homeAgent().binding(r.homeAddress()).isEmpty(), Duration.ofMillis(100),
                Duration.ofSeconds(5));
        assertThat(d.homeAgent().binding(r.homeAddress())).as("the engine's own replay hold (1 s) has lapsed").isEmpty();
        requireInsideReplayWindow(d, r);

        d.inject(captured);
        assertThat(d.binding(r.homeAddress())).as("binding after replaying, inside the provider's replay window of "
                + replayWindow() + ", a Binding Update from before the deregistration").isEmpty();
    }

    // ================================================================== credentials and ownership

    @Test
    void bindingUpdateWithWrongCredentialsIsRefused() {
        Deployment d = deploy(1);
        KitMobileNode impostor = d.mobileNodeWithWrongCredentials(0);
        Throwable why = d.awaitFailure(impostor.start(), Duration.ofMinutes(10), "registration with wrong credentials");

        assertThat(why).isInstanceOf(MobileNodeRegistrationException.class);
        assertThat(((MobileNodeRegistrationException) why).reason()).as("how the registration ended: " + why)
                .isIn(MobileNodeRegistrationException.Reason.GAVE_UP, MobileNodeRegistrationException.Reason.REJECTED);
        assertThat(impostor.registration()).isEmpty();
        assertThat(d.homeAgent().binding(homeAddress(0))).as("any entry for the home address").isEmpty();
        assertThat(d.homeAgent().counters().accepted()).isZero();
        assertThat(acceptingAcknowledgementsSentBy(d)).as("accepting acknowledgements the home agent sent").isEmpty();
    }

    @Test
    void bindingUpdateForAnotherNodesHomeAddressIsAnswered129Or133AndNeverAccepted() {
        Deployment d = deploy(2);
        KitMobileNode owner = d.mobileNode(0);
        Registration r = register(d, owner);
        BindingRecord before = d.binding(r.homeAddress()).orElseThrow();

        DirectMobileNode intruder = d.directMobileNode(1);
        intruder.bootstrap(homeAddress(1), homeAgentAddress());
        Ipv6Address intruderCareOf = careOfAddress(1, 0);
        intruder.send(bindingUpdate(SequenceNumber.of(1), intruderCareOf, false),
                new Addressing(intruderCareOf, homeAgentAddress(), Optional.of(r.homeAddress()), Optional.empty(),
                        Optional.empty()));
        d.time().runDue();

        assertThat(d.homeAgent().binding(r.homeAddress())).as("the owner's binding").contains(before);
        List<BindingAcknowledgement> answers = intruder.verifiedAcknowledgements();
        assertThat(answers).as("acknowledgements the intruder received and could verify").isNotEmpty();
        assertThat(answers).allSatisfy(ba -> assertThat(ba.status().code())
                .as("status answering a Binding Update for another node's home address").isIn(129, 133));
    }

    // ================================================================== forged acknowledgements

    @Test
    void forgedAcceptanceIsIgnoredByTheMobileNode() {
        Deployment d = deploy(2);
        List<MobilityOption> stolen = acknowledgementOptionsOf(d, d.mobileNode(1));
        KitMobileNode node = d.mobileNode(0);
        d.homeAgentTransport().setRule(PathRule.dropIf(p -> p.addressing().destination().equals(node.careOfAddress())));
        AtomicInteger forged = answerFirst(d, node, seq -> forgedSet(BindingAckStatus.ACCEPTED, seq,
                Lifetime.ofDuration(REQUESTED_LIFETIME), stolen));
        CompletionStage<Registration> registering = node.start();
        d.time().runDue();

        assertThat(forged.get()).as("forged acceptances sent").isPositive();
        assertThat(node.registration()).as("registration from forged acceptances").isEmpty();
        assertThat(registering.toCompletableFuture()).as("registration from forged acceptances").isNotDone();
        assertFailedVerification(d, node, forged.get());

        d.homeAgentTransport().setRule(PathRule.PASS);
        node.transport().setRule(PathRule.PASS);
        Registration r = d.await(registering, REGISTRATION_LIMIT, "registration with the home agent's own answer");
        assertThat(r.grantedLifetime()).isEqualTo(d.binding(r.homeAddress()).orElseThrow().lifetime());
    }

    @Test
    void forgedSequenceNumberOutOfWindowIsIgnoredByTheMobileNode() {
        Deployment d = deploy(2);
        List<MobilityOption> stolen = acknowledgementOptionsOf(d, d.mobileNode(1));
        KitMobileNode node = d.mobileNode(0);
        List<SequenceNumber> lured = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger forged = answerFirst(d, node, seq -> {
            SequenceNumber far = SequenceNumber.of((seq.value() + 1000) & 0xFFFF);
            lured.add(far.next());
            return forgedSet(BindingAckStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW, far, Lifetime.ZERO, stolen);
        });
        Registration r = register(d, node);

        assertThat(forged.get()).as("forged status-135 answers sent").isPositive();
        assertThat(sequencesSentBy(node)).as("sequence numbers the node sent (a forged 135 with sequence %s lures "
                + "the next Binding Update to %s)", lured, lured).doesNotContainAnyElementsOf(lured);
        assertThat(r.sequence()).isNotIn(lured);
        assertThat(node.eventCount(EngineEvent.Kind.REGISTRATION_REJECTED))
                .as("rejections the node acted on").isZero();
        assertFailedVerification(d, node, forged.get());
    }

    @Test
    void forgedLifetimeIsIgnoredByTheMobileNode() {
        Deployment d = deploy(2);
        List<MobilityOption> stolen = acknowledgementOptionsOf(d, d.mobileNode(1));
        KitMobileNode node = d.mobileNode(0);
        Lifetime forgedLifetime = Lifetime.ofUnits(2);
        AtomicInteger forged = answerFirst(d, node, seq -> forgedSet(BindingAckStatus.ACCEPTED, seq, forgedLifetime,
                stolen));
        Registration r = register(d, node);

        assertThat(forged.get()).as("forged answers sent").isPositive();
        BindingRecord b = d.binding(r.homeAddress()).orElseThrow();
        assertThat(r.grantedLifetime()).as("the lifetime the node counts with (forged: %s)", forgedLifetime)
                .isEqualTo(b.lifetime()).isNotEqualTo(forgedLifetime);
        assertFailedVerification(d, node, forged.get());
    }

    // ================================================================== the K flag

    @Test
    void keyManagementMobilityFlagOnlyForProvidersWhoseIkeSaSurvivesAMove() {
        Deployment d = deploy(2);
        boolean ike = d.descriptor().has(Capability.IKE_SURVIVES_MOVE);
        KitMobileNode node = d.mobileNode(0);
        Registration r = register(d, node);

        if (d.descriptor().placement() != Placement.OWNS_CHANNEL) {
            for (Packet p : bindingUpdatesSentBy(node)) {
                BindingUpdate bu = (BindingUpdate) d.decode(p).orElseThrow();
                assertThat(bu.has(BindingUpdate.Flag.KEY_MANAGEMENT_MOBILITY)).as("K in the mobile node's Binding Update")
                        .isEqualTo(ike);
            }
            for (BindingAcknowledgement ba : acknowledgementsSentTo(d, careOfAddress(0, 0))) {
                assertThat(ba.has(BindingAcknowledgement.Flag.KEY_MANAGEMENT_MOBILITY))
                        .as("K in the home agent's acknowledgement").isEqualTo(ike);
            }
        }
        assertThat(r.keyManagementMobility()).isEqualTo(ike);

        // Asked for K outright, the home agent still grants it only when the provider supports it.
        DirectMobileNode asking = d.directMobileNode(1);
        asking.bootstrap(homeAddress(1), homeAgentAddress());
        Ipv6Address careOf = careOfAddress(1, 0);
        asking.send(bindingUpdate(SequenceNumber.of(7), careOf, true),
                new Addressing(careOf, homeAgentAddress(), Optional.of(homeAddress(1)), Optional.empty(),
                        Optional.empty()));
        d.time().runDue();
        List<BindingAcknowledgement> answers = asking.verifiedAcknowledgements();
        assertThat(answers).as("verified answers to a Binding Update with K").isNotEmpty();
        assertThat(answers).allSatisfy(ba -> {
            assertThat(ba.isAccepted()).as("status " + ba.status()).isTrue();
            assertThat(ba.has(BindingAcknowledgement.Flag.KEY_MANAGEMENT_MOBILITY))
                    .as("K in the acknowledgement of a Binding Update that asked for it").isEqualTo(ike);
        });
        assertThat(d.binding(homeAddress(1)).orElseThrow().keyManagementMobility()).isEqualTo(ike);
    }

    // ================================================================== per-node state

    @Test
    void perNodeProviderStateReturnsToBaselineOnceBindingsAndReplayWindowsAreGone() {
        int nodes = 12;
        Deployment d = deploy(nodes + 1);
        HomeAgentEngine ha = d.homeAgent();
        int baseline = ha.providerStateCount();

        List<KitMobileNode> all = new ArrayList<>();
        List<CompletionStage<Registration>> registering = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            KitMobileNode n = d.mobileNode(i);
            all.add(n);
            registering.add(n.start());
        }
        for (int i = 0; i < nodes; i++) {
            d.await(registering.get(i), REGISTRATION_LIMIT, "registration of node " + i);
        }
        assertThat(ha.bindingCount()).isEqualTo(nodes);

        // A node the provider authenticates but the engine refuses: its state must go too.
        DirectMobileNode refused = d.directMobileNode(nodes);
        refused.bootstrap(homeAddress(nodes), homeAgentAddress());
        refused.send(bindingUpdate(SequenceNumber.of(1), careOfAddress(nodes, 0), false),
                new Addressing(careOfAddress(nodes, 0), homeAgentAddress(), Optional.of(homeAddress(0)),
                        Optional.empty(), Optional.empty()));
        d.time().runDue();

        // A third return home, a third shut down cleanly, a third fall silent and expire.
        List<CompletionStage<?>> leaving = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            KitMobileNode n = all.get(i);
            switch (i % 3) {
                case 0 -> leaving.add(n.returnHome());
                case 1 -> leaving.add(n.shutdown());
                default -> n.transport().setRule(PathRule.DROP_ALL);
            }
        }
        for (CompletionStage<?> s : leaving) {
            d.await(s, REGISTRATION_LIMIT, "deregistration");
        }
        d.time().advanceUntil(() -> ha.bindingCount() == 0, Duration.ofSeconds(1),
                REQUESTED_LIFETIME.plus(Duration.ofMinutes(2)));
        assertThat(ha.bindingCount()).as("bindings after deregistration and expiry").isZero();

        Duration settle = max(d.settings().replayHold(), replayWindow()).plus(d.settings().sweepInterval())
                .plusSeconds(30);
        d.time().advanceUntil(() -> ha.replayHoldCount() == 0 && ha.providerStateCount() == baseline,
                Duration.ofSeconds(1), settle);
        assertThat(ha.replayHoldCount()).as("engine replay holds after %s", settle).isZero();
        assertThat(ha.providerStateCount())
                .as("per-node provider state %s after the last binding ended (baseline %d, replay window %s): "
                        + "the provider keeps state it no longer needs", settle, baseline, replayWindow())
                .isEqualTo(baseline);
    }

    // ================================================================== scale

    @Test
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
            assertThat(b.careOfAddress()).isEqualTo(careOfAddress(n.index(), 0));
            assertThat(b.identity()).isEqualTo(r.identity());
        }
        assertThat(all.stream().map(n -> n.registration().orElseThrow().identity()).distinct().count())
                .as("distinct identities").isEqualTo(nodes);
    }

    // ================================================================== helpers

    private Registration register(Deployment d, KitMobileNode node) {
        return d.await(node.start(), REGISTRATION_LIMIT, "home registration of " + node);
    }

    /**
     * Holds (records and drops) every Binding Update the node sends from now on; anything else
     * (a channel's handshake) passes.
     */
    private List<Packet> hold(KitMobileNode node) {
        List<Packet> held = Collections.synchronizedList(new ArrayList<>());
        node.transport().setRule(p -> {
            if (!carriesBindingUpdate(p)) {
                return List.of(p);
            }
            held.add(p);
            return List.of();
        });
        return held;
    }

    private Packet firstBindingUpdate(List<Packet> packets, String what) {
        synchronized (packets) {
            return packets.stream().filter(this::carriesBindingUpdate).findFirst()
                    .orElseThrow(() -> new AssertionError("no Binding Update in flight for " + what));
        }
    }

    private List<Packet> bindingUpdatesSentBy(KitMobileNode node) {
        return node.transport().sent().stream().filter(this::carriesBindingUpdate).toList();
    }

    private Addressing spoofedSource(Addressing a) {
        return new Addressing(Deployment.ATTACKER_ADDRESS, a.destination(), a.homeAddressOption(), a.routingHeader(),
                a.outerPeer());
    }

    /**
     * Injects, one by one, copies of {@code genuine} with one octet changed (and the checksum made
     * right again), and, for a Mobility Header with a Home Address option, the original claiming
     * another home address; asserts that the home agent accepted none of them.
     */
    private void injectTamperedCopies(Deployment d, Packet genuine) {
        HomeAgentEngine ha = d.homeAgent();
        long malformedBefore = ha.counters().malformed();
        List<Packet> copies = tamperedCopies(d, genuine);
        if (genuine.addressing().homeAddressOption().isPresent()) {
            Addressing a = genuine.addressing();
            copies.add(genuine.readdressed(new Addressing(a.source(), a.destination(), Optional.of(homeAddress(1)),
                    a.routingHeader(), a.outerPeer())).withChecksumRecomputed());
        }
        List<String> accepted = new ArrayList<>();
        for (Packet copy : copies) {
            long before = ha.counters().accepted();
            d.inject(copy);
            if (ha.counters().accepted() > before) {
                accepted.add(describeDifference(genuine, copy));
            }
        }
        assertThat(accepted).as("tampered copies of a Binding Update the home agent accepted").isEmpty();
        assertThat(ha.counters().malformed() - malformedBefore)
                .as("tampered copies the decoder refused: some must reach the provider, or only the decoder was tested")
                .isLessThan(copies.size());
    }

    /**
     * Copies of {@code genuine} with one octet flipped each (lowest bit), skipping the Mobility
     * Header's framing and checksum and any change that decodes to the same message (padding,
     * reserved bits): those are not tampering with the content.
     */
    private static List<Packet> tamperedCopies(Deployment d, Packet genuine) {
        Optional<MobilityMessage> original = d.decode(genuine);
        boolean mh = genuine.looksLikeMobilityHeader();
        List<Packet> copies = new ArrayList<>();
        for (int k = 0; k < genuine.length(); k++) {
            if (mh && (k < 3 || k == MobilityHeaderCodec.CHECKSUM_OFFSET || k == MobilityHeaderCodec.CHECKSUM_OFFSET + 1)) {
                continue;
            }
            Packet copy = genuine.withOctetFlipped(k, 0x01);
            if (original.isPresent() && d.decode(copy).equals(original)) {
                continue;
            }
            copies.add(copy);
        }
        return copies;
    }

    private static String describeDifference(Packet genuine, Packet copy) {
        byte[] a = genuine.octets();
        byte[] b = copy.octets();
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            if (a[i] != b[i] && i != MobilityHeaderCodec.CHECKSUM_OFFSET && i != MobilityHeaderCodec.CHECKSUM_OFFSET + 1) {
                return "octet " + i + " changed from 0x" + Integer.toHexString(a[i] & 0xFF) + " to 0x"
                        + Integer.toHexString(b[i] & 0xFF);
            }
        }
        return "addressing changed to " + copy.addressing();
    }

    private BindingUpdate bindingUpdate(SequenceNumber seq, Ipv6Address careOf, boolean askForK) {
        Set<BindingUpdate.Flag> flags = EnumSet.of(BindingUpdate.Flag.ACKNOWLEDGE, BindingUpdate.Flag.HOME_REGISTRATION);
        if (askForK) {
            flags.add(BindingUpdate.Flag.KEY_MANAGEMENT_MOBILITY);
        }
        List<MobilityOption> options = current().descriptor().has(Capability.NEEDS_ALTERNATE_COA)
                ? List.of(new AlternateCareOfAddress(careOf)) : List.of();
        return new BindingUpdate(seq, flags, Lifetime.ofDuration(REQUESTED_LIFETIME), options);
    }

    /** Registers {@code witness} and returns the options of the accepting acknowledgement it got (an authenticator for its key). */
    private List<MobilityOption> acknowledgementOptionsOf(Deployment d, KitMobileNode witness) {
        register(d, witness);
        List<BindingAcknowledgement> bas = acknowledgementsSentTo(d, witness.careOfAddress());
        return bas.isEmpty() ? List.of() : bas.get(bas.size() - 1).options();
    }

    private static List<BindingAcknowledgement> acknowledgementsSentTo(Deployment d, Ipv6Address careOf) {
        List<BindingAcknowledgement> out = new ArrayList<>();
        for (Packet p : d.homeAgentTransport().sent()) {
            if (p.addressing().destination().equals(careOf)) {
                d.decode(p).filter(m -> m instanceof BindingAcknowledgement)
                        .ifPresent(m -> out.add((BindingAcknowledgement) m));
            }
        }
        return out;
    }

    private static List<BindingAcknowledgement> acceptingAcknowledgementsSentBy(Deployment d) {
        List<BindingAcknowledgement> out = new ArrayList<>();
        for (Packet p : d.homeAgentTransport().sent()) {
            d.decode(p).filter(m -> m instanceof BindingAcknowledgement ba && ba.isAccepted())
                    .ifPresent(m -> out.add((BindingAcknowledgement) m));
        }
        return out;
    }

    private static List<BindingAcknowledgement> forgedSet(BindingAckStatus status, SequenceNumber seq,
                                                          Lifetime lifetime, List<MobilityOption> stolen) {
        List<BindingAcknowledgement> out = new ArrayList<>();
        out.add(new BindingAcknowledgement(status, Set.of(), seq, lifetime, stolen));
        if (!stolen.isEmpty()) {
            out.add(new BindingAcknowledgement(status, Set.of(), seq, lifetime, List.of()));
        }
        return out;
    }

    /**
     * Arms a man in the middle on {@code node}'s outgoing side: for its first Binding Update, the
     * attacker sends the forged acknowledgements {@code forge} builds for its sequence number
     * before the Binding Update even leaves, so they arrive before the home agent's answer.
     * Returns how many were sent.
     */
    private AtomicInteger answerFirst(Deployment d, KitMobileNode node,
                                      Function<SequenceNumber, List<BindingAcknowledgement>> forge) {
        AtomicInteger forged = new AtomicInteger();
        AtomicBoolean armed = new AtomicBoolean(true);
        node.transport().setRule(p -> {
            if (armed.get() && carriesBindingUpdate(p)) {
                armed.set(false);
                SequenceNumber seq = sequenceOf(d, node, p);
                Addressing reply = d.replyTo(p, node.transport());
                for (BindingAcknowledgement ba : forge.apply(seq)) {
                    d.attacker().inject(d.forge(ba, reply));
                    forged.incrementAndGet();
                }
            }
            return List.of(p);
        });
        return forged;
    }

    /** The Binding Update's sequence number: decoded, or, from an opaque channel record, from the node's last send event. */
    private static SequenceNumber sequenceOf(Deployment d, KitMobileNode node, Packet bu) {
        Optional<MobilityMessage> m = d.decode(bu);
        if (m.isPresent() && m.get() instanceof BindingUpdate u) {
            return u.sequence();
        }
        List<EngineEvent> sent = node.events().stream().filter(e -> e.kind() == EngineEvent.Kind.REGISTRATION_SENT)
                .toList();
        if (sent.isEmpty()) {
            fail("cannot tell the sequence number of " + bu);
        }
        return sent.get(sent.size() - 1).sequence()
                .orElseThrow(() -> new AssertionError("cannot tell the sequence number of " + bu));
    }

    private static List<SequenceNumber> sequencesSentBy(KitMobileNode node) {
        List<SequenceNumber> out = new ArrayList<>();
        for (EngineEvent e : node.events()) {
            if (e.kind() == EngineEvent.Kind.REGISTRATION_SENT) {
                e.sequence().ifPresent(out::add);
            }
        }
        return out;
    }

    /** Forged messages that reach the engine must have been refused by the provider's verification. */
    private static void assertFailedVerification(Deployment d, KitMobileNode node, int forged) {
        if (d.descriptor().placement() == Placement.OWNS_CHANNEL) {
            return; // the channel drops them before the engine sees anything
        }
        assertThat(node.eventCount(EngineEvent.Kind.VERDICT_DROPPED))
                .as("forged acknowledgements the node's provider refused").isGreaterThanOrEqualTo(forged);
        assertThat(node.eventCount(EngineEvent.Kind.REGISTRATION_REJECTED)).isZero();
    }

    private void requireInsideReplayWindow(Deployment d, Registration r) {
        Duration window = replayWindow();
        Assumptions.assumeTrue(window.compareTo(Duration.ofSeconds(3)) >= 0,
                "the kit replays about 2 s after the original; replayWindow() must be at least 3 s, is " + window);
        Instant sentAt = r.expiresAt().minus(r.grantedLifetime().toDuration());
        Duration age = Duration.between(sentAt, d.time().now());
        assertThat(age).as("age of the replayed Binding Update (must be inside the replay window)").isLessThan(window);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** The home agent's verdict counters before an attack, to tell the provider's refusals from the engine's. */
    private record Verdicts(long accepted, long refused, long dropped, long rejected) {

        static Verdicts of(HomeAgentEngine ha) {
            HomeAgentEngine.Counters c = ha.counters();
            return new Verdicts(c.accepted(), c.refused(), c.dropped(), c.rejected());
        }

        /**
         * None of {@code messages} was accepted, and none got as far as the engine's own protocol
         * checks: the provider refused each one (in its verdict, or in its channel before the
         * engine saw anything).
         */
        void assertRefusedByProvider(Deployment d, int messages, String what) {
            HomeAgentEngine.Counters c = d.homeAgent().counters();
            assertThat(c.accepted() - accepted).as("%s accepted", what).isZero();
            assertThat(c.refused() - refused)
                    .as("%s that passed the provider and were stopped only by the engine's own checks "
                            + "(its sequence number or replay hold)", what)
                    .isZero();
            if (d.descriptor().placement() != Placement.OWNS_CHANNEL) {
                assertThat((c.dropped() - dropped) + (c.rejected() - rejected))
                        .as("%s the provider's verdict refused (dropped or rejected)", what).isEqualTo(messages);
            }
        }
    }
}
