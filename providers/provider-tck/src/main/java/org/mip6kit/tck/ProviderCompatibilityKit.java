package org.mip6kit.tck;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.engine.HomeAgentSettings;
import org.mip6kit.engine.MobileNodeSettings;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.HomePrefix;
import org.mip6kit.spi.SecurityProviderFactory;
import org.mip6kit.wire.Ipv6Address;

/**
 * The provider compatibility kit: the tests every security provider must pass. A provider's
 * test class extends it and supplies the factory and credentials; the kit runs a real
 * {@link org.mip6kit.engine.HomeAgentEngine} and real {@link org.mip6kit.engine.MobileNodeEngine}s
 * with that provider on an in-memory network on virtual time, with an attacker on it. See
 * {@code docs/provider-guide.md} for a walk-through.
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
 * <h2>One network for every placement</h2>
 * Each participant is a host of an {@link org.mip6kit.transport.InMemoryProviderNetwork}
 * (see {@link Deployment}): the provider opens whatever it needs through
 * {@link org.mip6kit.spi.ProviderContext#network()} — a UDP endpoint of its own channel, the raw
 * Mobility Header socket — or the engine's transport (UDP, RFC 5555 framing), exactly as it does
 * in a daemon. Interfaces and tunnels are network facts: a node's tunnelled Mobility Header
 * packets arrive on the home agent's {@code ipsec<node+1>}, the attacker's on {@code eth0}. The
 * kit never tells a provider who sent a packet, never hands it a channel, and never branches on
 * its placement: where the rules differ, it asks the capabilities the provider instance declared
 * or looks at what the provider did.
 *
 * <h2>What the attacker can do</h2>
 * The kit wraps the provider's {@link org.mip6kit.spi.SignallingPath} and so knows which packets
 * carry a Binding Update or Acknowledgement, whatever their format. A man in the middle on each
 * participant ({@link Participant#setRule}) holds, drops and alters them; the attacker replays
 * them verbatim, with one octet changed (a Mobility Header's checksum recomputed, as a real
 * attacker would), from spoofed sources, and floods the home agent's endpoint. A provider
 * passes only if every such message is refused by the provider itself, not merely by the
 * engine's sequence-number check.
 *
 * <h2>The rules, by concern</h2>
 * Each test method below is one rule; its body lives with the others of its concern:
 * {@link RegistrationCases}, {@link TamperingCases}, {@link ReplayCases},
 * {@link AuthorisationCases}, {@link ChannelCases}, {@link LifecycleCases}.
 *
 * <p>Every test is tagged {@code small}: no sockets, no sleeps, no threads of its own except
 * where it says so; a whole run takes a few seconds of real time.
 */
@Tag("small")
public abstract class ProviderCompatibilityKit {

    /** The lifetime the kit's mobile nodes request (the home agent's default cap is one hour). */
    protected static final Duration REQUESTED_LIFETIME = Duration.ofSeconds(600);

    private final List<Deployment> deployments = Collections.synchronizedList(new ArrayList<>());
    private volatile Deployment current;

    private final RegistrationCases registration = new RegistrationCases(this);
    private final TamperingCases tampering = new TamperingCases(this);
    private final ReplayCases replay = new ReplayCases(this);
    private final AuthorisationCases authorisation = new AuthorisationCases(this);
    private final ChannelCases channel = new ChannelCases(this);
    private final LifecycleCases lifecycle = new LifecycleCases(this);

    // ================================================================== what a provider's test supplies

    /** The provider under test. Called at least once per test; may return a new factory each time. */
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
     * (the right identity with a wrong key, a certificate from another CA, ...). Such a node gets
     * no tunnel to the home agent (key management would not have authenticated it). A provider
     * whose bootstrap authenticates the node (an RFC 6618 Home Agent Controller, IKEv2) may refuse
     * it there: the registration then ends with {@code BOOTSTRAP_FAILED}.
     */
    protected abstract ConfigSection mobileNodeConfigWithWrongCredentials(int node);

    /**
     * How long the provider keeps refusing a captured message after it was sent, by remembering
     * it (a timestamp window plus the authenticators seen, an anti-replay window, an association
     * that is still up), and how long per-node state of a node that left may linger. The kit
     * replays inside it; it must be at least 3 s. Default 7 s, the RFC 4285 clock tolerance.
     */
    protected Duration replayWindow() {
        return Duration.ofSeconds(7);
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

    /**
     * Node {@code node}'s engine settings; the kit sets the home address itself, and the home
     * agent's UDP endpoint of the engines' transport when these name none.
     */
    protected MobileNodeSettings mobileNodeSettings(int node) {
        return MobileNodeSettings.defaults()
                .withHomeAgent(homeAgentAddress())
                .withRequestedLifetime(REQUESTED_LIFETIME)
                .withGiveUpAfterRetransmissions(4);
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

    // ================================================================== registration (RegistrationCases)

    @Test
    void descriptorIsStableAndBuiltAgainstThisSpiMajorVersion() {
        registration.descriptorIsStableAndBuiltAgainstThisSpiMajorVersion();
    }

    @Test
    void homeRegistrationCreatesBindingOwnedByTheAuthenticatedIdentity() {
        registration.homeRegistrationCreatesBindingOwnedByTheAuthenticatedIdentity();
    }

    @Test
    void refreshBeforeExpiryKeepsTheBindingAlive() {
        registration.refreshBeforeExpiryKeepsTheBindingAlive();
    }

    @Test
    void careOfChangeMovesTheBindingAfterTheProviderIsReady() {
        registration.careOfChangeMovesTheBindingAfterTheProviderIsReady();
    }

    @Test
    void deregistrationDeletesTheBindingWhetherReturningHomeOrShuttingDown() {
        registration.deregistrationDeletesTheBindingWhetherReturningHomeOrShuttingDown();
    }

    @Test
    void bindingExpiresWhenTheNodeFallsSilent() {
        registration.bindingExpiresWhenTheNodeFallsSilent();
    }

    @Test
    void thousandMobileNodesRegisteringConcurrentlyAllSucceed() throws Exception {
        registration.thousandMobileNodesRegisteringConcurrentlyAllSucceed();
    }

    // ================================================================== tampering and forgery (TamperingCases)

    @Test
    void tamperedBindingUpdateIsNotAcceptedAndChangesNoBinding() {
        tampering.tamperedBindingUpdateIsNotAcceptedAndChangesNoBinding();
    }

    @Test
    void spoofedSourceAddressDoesNotRedirectTheBinding() {
        tampering.spoofedSourceAddressDoesNotRedirectTheBinding();
    }

    @Test
    void tamperedAcknowledgementIsIgnoredByTheMobileNode() {
        tampering.tamperedAcknowledgementIsIgnoredByTheMobileNode();
    }

    @Test
    void forgedAcceptanceIsIgnoredByTheMobileNode() {
        tampering.forgedAcceptanceIsIgnoredByTheMobileNode();
    }

    @Test
    void forgedSequenceNumberOutOfWindowIsIgnoredByTheMobileNode() {
        tampering.forgedSequenceNumberOutOfWindowIsIgnoredByTheMobileNode();
    }

    @Test
    void forgedLifetimeIsIgnoredByTheMobileNode() {
        tampering.forgedLifetimeIsIgnoredByTheMobileNode();
    }

    // ================================================================== replay (ReplayCases)

    @Test
    void replayedBindingUpdateChangesNothingAndIsRefusedByTheProvider() {
        replay.replayedBindingUpdateChangesNothingAndIsRefusedByTheProvider();
    }

    @Test
    void bindingUpdateReplayedAfterDeregistrationDoesNotRecreateTheBinding() {
        replay.bindingUpdateReplayedAfterDeregistrationDoesNotRecreateTheBinding();
    }

    @Test
    void providerRemembersReplaysAfterTheEngineHasForgottenTheBinding() {
        replay.providerRemembersReplaysAfterTheEngineHasForgottenTheBinding();
    }

    // ================================================================== credentials and ownership (AuthorisationCases)

    @Test
    void bindingUpdateWithWrongCredentialsIsRefused() {
        authorisation.bindingUpdateWithWrongCredentialsIsRefused();
    }

    @Test
    void bindingUpdateForAnotherNodesHomeAddressIsAnswered129Or133AndNeverAccepted() {
        authorisation.bindingUpdateForAnotherNodesHomeAddressIsAnswered129Or133AndNeverAccepted();
    }

    @Test
    void keyManagementMobilityFlagOnlyForProvidersWhoseIkeSaSurvivesAMove() {
        authorisation.keyManagementMobilityFlagOnlyForProvidersWhoseIkeSaSurvivesAMove();
    }

    // ================================================================== stateful channels (ChannelCases)

    @Test
    void registrationCompletesWhenTheFirstPacketsOfEachSideAreLost() {
        channel.registrationCompletesWhenTheFirstPacketsOfEachSideAreLost();
    }

    @Test
    void natRebindingBetweenRegistrationAndRefreshIsFollowedByTheHomeAgent() {
        channel.natRebindingBetweenRegistrationAndRefreshIsFollowedByTheHomeAgent();
    }

    @Test
    void careOfChangeKeepsAChannelThatSurvivesItAndLeavesNoStateBehind() {
        channel.careOfChangeKeepsAChannelThatSurvivesItAndLeavesNoStateBehind();
    }

    @Test
    void floodOfSpoofedPacketsNeitherBindsNorGrowsProviderState() {
        channel.floodOfSpoofedPacketsNeitherBindsNorGrowsProviderState();
    }

    // ================================================================== lifecycle and per-node state (LifecycleCases)

    @Test
    void deregistrationAcknowledgementLeavesBeforeTheProviderTearsDown() {
        lifecycle.deregistrationAcknowledgementLeavesBeforeTheProviderTearsDown();
    }

    @Test
    void failedBeforeAckIsRolledBackInAbandoned() {
        lifecycle.failedBeforeAckIsRolledBackInAbandoned();
    }

    @Test
    void perNodeProviderStateReturnsToBaselineOnceBindingsAndReplayWindowsAreGone() {
        lifecycle.perNodeProviderStateReturnsToBaselineOnceBindingsAndReplayWindowsAreGone();
    }
}
