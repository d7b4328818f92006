package org.mip6kit.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.mip6kit.spi.SecurityProviderFactory;
import org.mip6kit.tck.belowstack.EvidenceProvider;
import org.mip6kit.tck.reference.ReferenceChannelProvider;
import org.mip6kit.tck.reference.ReferenceHmacProvider;
import org.mip6kit.tck.reference.ReferenceHmacProvider.Flaw;

/**
 * The kit catches bad providers: it is run, through the JUnit Platform Launcher, against each of
 * the three reference providers (one per placement) with one deliberate defect at a time, and
 * exactly the tests naming the broken rule must fail; the three intact ones must pass every
 * test. Every rule of the kit that concerns a stateful channel or the binding lifecycle has a
 * defect here that only it catches. The defective subclasses are tagged {@code tck-negative}
 * and are static nested classes, so the normal build never runs them by themselves.
 */
@Tag("small")
class KitCatchesBadProvidersTest {

    @Tag("tck-negative")
    static class AcceptsEverything extends ReferenceHmacProviderCompatibilityTest {
        @Override
        protected SecurityProviderFactory provider() {
            return new ReferenceHmacProvider(Flaw.ACCEPTS_EVERYTHING);
        }
    }

    @Tag("tck-negative")
    static class NeverReleasesState extends ReferenceHmacProviderCompatibilityTest {
        @Override
        protected SecurityProviderFactory provider() {
            return new ReferenceHmacProvider(Flaw.NEVER_RELEASES_STATE);
        }
    }

    @Tag("tck-negative")
    static class ForgetsReplayStateAtDeregistration extends ReferenceHmacProviderCompatibilityTest {
        @Override
        protected SecurityProviderFactory provider() {
            return new ReferenceHmacProvider(Flaw.FORGETS_REPLAY_STATE_AT_DEREGISTRATION);
        }
    }

    @Tag("tck-negative")
    static class BelowStackTrustsAddresses extends EvidenceProviderCompatibilityTest {
        @Override
        protected SecurityProviderFactory provider() {
            return new EvidenceProvider(EvidenceProvider.Flaw.TRUSTS_ADDRESSES);
        }
    }

    @Tag("tck-negative")
    static class BelowStackKeepsPoliciesOfAbandonedChanges extends EvidenceProviderCompatibilityTest {
        @Override
        protected SecurityProviderFactory provider() {
            return new EvidenceProvider(EvidenceProvider.Flaw.KEEPS_POLICIES_OF_ABANDONED_CHANGES);
        }
    }

    @Tag("tck-negative")
    static class ChannelKeyedByPeerAddress extends ReferenceChannelProviderCompatibilityTest {
        @Override
        protected SecurityProviderFactory provider() {
            return new ReferenceChannelProvider(ReferenceChannelProvider.Flaw.KEYS_ASSOCIATIONS_BY_PEER_ADDRESS);
        }
    }

    @Tag("tck-negative")
    static class ChannelForgetsToRebind extends ReferenceChannelProviderCompatibilityTest {
        @Override
        protected SecurityProviderFactory provider() {
            return new ReferenceChannelProvider(ReferenceChannelProvider.Flaw.FORGETS_TO_REBIND_ON_CARE_OF_CHANGE);
        }
    }

    @Tag("tck-negative")
    static class ChannelSetUpAgainOnEveryMove extends ReferenceChannelProviderCompatibilityTest {
        @Override
        protected SecurityProviderFactory provider() {
            return new ReferenceChannelProvider(ReferenceChannelProvider.Flaw.NEW_ASSOCIATION_ON_EVERY_MOVE);
        }
    }

    @Tag("tck-negative")
    static class ChannelKeepsStatePerHandshake extends ReferenceChannelProviderCompatibilityTest {
        @Override
        protected SecurityProviderFactory provider() {
            return new ReferenceChannelProvider(ReferenceChannelProvider.Flaw.STATE_PER_HANDSHAKE);
        }
    }

    @Tag("tck-negative")
    static class ChannelReportsSentBeforeSending extends ReferenceChannelProviderCompatibilityTest {
        @Override
        protected SecurityProviderFactory provider() {
            return new ReferenceChannelProvider(ReferenceChannelProvider.Flaw.REPORTS_SENT_BEFORE_SENDING);
        }
    }

    @Tag("tck-negative")
    static class ChannelNeverRetransmitsHandshake extends ReferenceChannelProviderCompatibilityTest {
        @Override
        protected SecurityProviderFactory provider() {
            return new ReferenceChannelProvider(ReferenceChannelProvider.Flaw.NEVER_RETRANSMITS_HANDSHAKE);
        }
    }

    /** Fewer tests than this means the kit did not run (or lost its rules). */
    private static final int KIT_TESTS = 26;

    @Test
    void referenceProviderPassesEveryTestOfTheKit() {
        assertPassesEverything(ReferenceHmacProviderCompatibilityTest.class);
    }

    @Test
    void channelReferenceProviderPassesEveryTestOfTheKit() {
        assertPassesEverything(ReferenceChannelProviderCompatibilityTest.class);
    }

    @Test
    void belowStackReferenceProviderPassesEveryTestOfTheKit() {
        assertPassesEverything(EvidenceProviderCompatibilityTest.class);
    }

    @Test
    void kitFailsAProviderThatAcceptsEverything() {
        assertFailsExactly(AcceptsEverything.class,
                "tamperedBindingUpdateIsNotAcceptedAndChangesNoBinding",
                "tamperedAcknowledgementIsIgnoredByTheMobileNode",
                "replayedBindingUpdateChangesNothingAndIsRefusedByTheProvider",
                "bindingUpdateReplayedAfterDeregistrationDoesNotRecreateTheBinding",
                "providerRemembersReplaysAfterTheEngineHasForgottenTheBinding",
                "bindingUpdateWithWrongCredentialsIsRefused",
                "forgedAcceptanceIsIgnoredByTheMobileNode",
                "forgedSequenceNumberOutOfWindowIsIgnoredByTheMobileNode",
                "forgedLifetimeIsIgnoredByTheMobileNode");
    }

    @Test
    void kitFailsAProviderThatNeverReleasesPerNodeState() {
        assertFailsExactly(NeverReleasesState.class,
                "perNodeProviderStateReturnsToBaselineOnceBindingsAndReplayWindowsAreGone",
                "failedBeforeAckIsRolledBackInAbandoned");
    }

    @Test
    void kitFailsAProviderThatForgetsReplayStateAtDeregistration() {
        assertFailsExactly(ForgetsReplayStateAtDeregistration.class,
                "bindingUpdateReplayedAfterDeregistrationDoesNotRecreateTheBinding",
                "providerRemembersReplaysAfterTheEngineHasForgottenTheBinding");
    }

    /**
     * Every attack arrives on the home agent's outside interface, and a forged answer on the
     * node's: only a provider that reads the interface refuses them. (A node with wrong
     * credentials has no tunnel, so its Binding Update never leaves: that case passes either way.)
     */
    @Test
    void kitFailsABelowStackProviderThatTrustsAddressesInsteadOfTheInterface() {
        assertFails(BelowStackTrustsAddresses.class, Set.of("floodOfSpoofedPacketsNeitherBindsNorGrowsProviderState"),
                "tamperedBindingUpdateIsNotAcceptedAndChangesNoBinding",
                "spoofedSourceAddressDoesNotRedirectTheBinding",
                "tamperedAcknowledgementIsIgnoredByTheMobileNode",
                "replayedBindingUpdateChangesNothingAndIsRefusedByTheProvider",
                "bindingUpdateReplayedAfterDeregistrationDoesNotRecreateTheBinding",
                "providerRemembersReplaysAfterTheEngineHasForgottenTheBinding",
                "bindingUpdateForAnotherNodesHomeAddressIsAnswered129Or133AndNeverAccepted",
                "forgedAcceptanceIsIgnoredByTheMobileNode",
                "forgedSequenceNumberOutOfWindowIsIgnoredByTheMobileNode",
                "forgedLifetimeIsIgnoredByTheMobileNode");
        // The flood's tampered replays may also fail it, or not: whether a flipped bit moves the witness's sequence
        // number ahead of its next refresh depends on the random initial sequence number of the run.
    }

    @Test
    void kitFailsAProviderThatKeepsWhatAFailedBeforeAckInstalled() {
        assertFailsExactly(BelowStackKeepsPoliciesOfAbandonedChanges.class,
                "failedBeforeAckIsRolledBackInAbandoned");
    }

    @Test
    void kitFailsAChannelThatNeverRetransmitsItsHandshake() {
        assertFailsExactly(ChannelNeverRetransmitsHandshake.class,
                "registrationCompletesWhenTheFirstPacketsOfEachSideAreLost");
    }

    /** A NAT rebinding and every address change (a move, returning home) lose such a channel. */
    @Test
    void kitFailsAChannelThatFindsAssociationsByPeerAddressInsteadOfConnectionId() {
        assertFailsExactly(ChannelKeyedByPeerAddress.class,
                "natRebindingBetweenRegistrationAndRefreshIsFollowedByTheHomeAgent",
                "careOfChangeKeepsAChannelThatSurvivesItAndLeavesNoStateBehind",
                "careOfChangeMovesTheBindingAfterTheProviderIsReady",
                "deregistrationDeletesTheBindingWhetherReturningHomeOrShuttingDown",
                "deregistrationAcknowledgementLeavesBeforeTheProviderTearsDown",
                "replayedBindingUpdateChangesNothingAndIsRefusedByTheProvider",
                "bindingUpdateReplayedAfterDeregistrationDoesNotRecreateTheBinding",
                "providerRemembersReplaysAfterTheEngineHasForgottenTheBinding",
                "perNodeProviderStateReturnsToBaselineOnceBindingsAndReplayWindowsAreGone");
    }

    @Test
    void kitFailsAChannelThatForgetsToRebindOnACareOfChange() {
        assertFailsExactly(ChannelForgetsToRebind.class,
                "careOfChangeKeepsAChannelThatSurvivesItAndLeavesNoStateBehind",
                "careOfChangeMovesTheBindingAfterTheProviderIsReady");
    }

    @Test
    void kitFailsAChannelThatClaimsToSurviveAMoveButSetsUpAgain() {
        assertFailsExactly(ChannelSetUpAgainOnEveryMove.class,
                "careOfChangeKeepsAChannelThatSurvivesItAndLeavesNoStateBehind");
    }

    @Test
    void kitFailsAChannelThatKeepsStateForEveryHandshake() {
        assertFailsExactly(ChannelKeepsStatePerHandshake.class,
                "floodOfSpoofedPacketsNeitherBindsNorGrowsProviderState");
    }

    /**
     * Its deregistration acknowledgements are swallowed by its own teardown; and since its sends
     * complete before anything leaves, the kit cannot tell which packets carry its
     * acknowledgements, so the cases that tamper with them fail too.
     */
    @Test
    void kitFailsAChannelThatTearsDownBeforeTheAcknowledgementHasLeft() {
        assertFailsExactly(ChannelReportsSentBeforeSending.class,
                "deregistrationAcknowledgementLeavesBeforeTheProviderTearsDown",
                "deregistrationDeletesTheBindingWhetherReturningHomeOrShuttingDown",
                "bindingUpdateReplayedAfterDeregistrationDoesNotRecreateTheBinding",
                "providerRemembersReplaysAfterTheEngineHasForgottenTheBinding",
                "perNodeProviderStateReturnsToBaselineOnceBindingsAndReplayWindowsAreGone",
                "tamperedAcknowledgementIsIgnoredByTheMobileNode",
                "forgedAcceptanceIsIgnoredByTheMobileNode");
    }

    private static void assertPassesEverything(Class<? extends ProviderCompatibilityKit> kit) {
        Map<String, TestExecutionResult> results = run(kit);
        assertThat(results).as("tests run").hasSizeGreaterThanOrEqualTo(KIT_TESTS);
        assertThat(failed(results)).as("tests failed by %s: %s", kit.getSimpleName(), why(results)).isEmpty();
    }

    private static void assertFailsExactly(Class<? extends ProviderCompatibilityKit> kit, String... rules) {
        Map<String, TestExecutionResult> results = run(kit);
        assertThat(results).as("tests run").hasSizeGreaterThanOrEqualTo(KIT_TESTS);
        assertThat(failed(results)).as("tests failed: %s", why(results)).containsExactlyInAnyOrder(rules);
    }

    /**
     * Like {@link #assertFailsExactly}, where the rules in {@code mayAlsoFail} may fail too or not: a flawed
     * provider whose damage depends on the run's random values (initial sequence numbers).
     */
    private static void assertFails(Class<? extends ProviderCompatibilityKit> kit, Set<String> mayAlsoFail,
            String... rules) {
        Map<String, TestExecutionResult> results = run(kit);
        assertThat(results).as("tests run").hasSizeGreaterThanOrEqualTo(KIT_TESTS);
        List<String> failed = new java.util.ArrayList<>(failed(results));
        failed.removeAll(mayAlsoFail);
        assertThat(failed).as("tests failed: %s", why(results)).containsExactlyInAnyOrder(rules);
    }

    /** Runs every test of {@code kit}; method name → result. */
    private static Map<String, TestExecutionResult> run(Class<? extends ProviderCompatibilityKit> kit) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(kit))
                .build();
        Map<String, TestExecutionResult> outcomes = new ConcurrentHashMap<>();
        Launcher launcher = LauncherFactory.create();
        launcher.execute(request, new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (id.isTest() && id.getSource().orElse(null) instanceof MethodSource m) {
                    outcomes.put(m.getMethodName(), result);
                }
            }

            @Override
            public void executionSkipped(TestIdentifier id, String reason) {
                if (id.isTest() && id.getSource().orElse(null) instanceof MethodSource m) {
                    outcomes.put(m.getMethodName(), TestExecutionResult.aborted(new IllegalStateException(reason)));
                }
            }
        });
        return new TreeMap<>(outcomes);
    }

    /** Tests that did not pass (failed or were skipped: a skip is no pass). */
    private static Set<String> failed(Map<String, TestExecutionResult> results) {
        Set<String> out = new TreeSet<>();
        results.forEach((name, result) -> {
            if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
                out.add(name);
            }
        });
        return out;
    }

    /** The first line of each failure, for the assertion's description. */
    private static String why(Map<String, TestExecutionResult> results) {
        StringBuilder sb = new StringBuilder();
        results.forEach((name, result) -> result.getThrowable().ifPresent(t -> {
            String message = String.valueOf(t.getMessage()).strip();
            int cut = message.indexOf('\n', message.indexOf('\n') + 1);
            sb.append("\n  ").append(name).append(": ").append(cut < 0 ? message : message.substring(0, cut))
                    .append(" ...");
        }));
        return sb.toString();
    }
}
