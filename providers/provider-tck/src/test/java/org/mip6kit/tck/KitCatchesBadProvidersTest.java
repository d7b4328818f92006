package org.mip6kit.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

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
import org.mip6kit.tck.reference.ReferenceHmacProvider;
import org.mip6kit.tck.reference.ReferenceHmacProvider.Flaw;

/**
 * The kit catches bad providers: it is run, through the JUnit Platform Launcher, against the
 * reference provider with one deliberate defect at a time (and against a below-the-stack
 * provider that trusts addresses instead of evidence), and exactly the tests naming the broken
 * rule must fail. The defective subclasses are tagged {@code tck-negative} and are
 * static nested classes, so the normal build never runs them by themselves.
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
            return new EvidenceProvider(true);
        }
    }

    @Test
    void referenceProviderPassesEveryTestOfTheKit() {
        Map<String, TestExecutionResult> results = run(ReferenceHmacProviderCompatibilityTest.class);
        assertThat(results).as("tests run").hasSizeGreaterThanOrEqualTo(20);
        assertThat(failed(results)).as("tests failed by the reference provider: %s", why(results)).isEmpty();
    }

    @Test
    void kitFailsAProviderThatAcceptsEverything() {
        Map<String, TestExecutionResult> results = run(AcceptsEverything.class);
        assertThat(results).as("tests run").hasSizeGreaterThanOrEqualTo(20);
        assertThat(failed(results)).as("tests failed: %s", why(results)).containsExactlyInAnyOrder(
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
        Map<String, TestExecutionResult> results = run(NeverReleasesState.class);
        assertThat(results).as("tests run").hasSizeGreaterThanOrEqualTo(20);
        assertThat(failed(results)).as("tests failed: %s", why(results)).containsExactly(
                "perNodeProviderStateReturnsToBaselineOnceBindingsAndReplayWindowsAreGone");
    }

    @Test
    void kitFailsAProviderThatForgetsReplayStateAtDeregistration() {
        Map<String, TestExecutionResult> results = run(ForgetsReplayStateAtDeregistration.class);
        assertThat(results).as("tests run").hasSizeGreaterThanOrEqualTo(20);
        assertThat(failed(results)).as("tests failed: %s", why(results)).containsExactlyInAnyOrder(
                "bindingUpdateReplayedAfterDeregistrationDoesNotRecreateTheBinding",
                "providerRemembersReplaysAfterTheEngineHasForgottenTheBinding");
    }

    @Test
    void kitFailsABelowStackProviderThatTrustsAddressesInsteadOfEvidence() {
        Map<String, TestExecutionResult> results = run(BelowStackTrustsAddresses.class);
        assertThat(results).as("tests run").hasSizeGreaterThanOrEqualTo(20);
        assertThat(failed(results)).as("tests failed: %s", why(results)).containsExactlyInAnyOrder(
                "tamperedBindingUpdateIsNotAcceptedAndChangesNoBinding",
                "spoofedSourceAddressDoesNotRedirectTheBinding",
                "tamperedAcknowledgementIsIgnoredByTheMobileNode",
                "replayedBindingUpdateChangesNothingAndIsRefusedByTheProvider",
                "bindingUpdateReplayedAfterDeregistrationDoesNotRecreateTheBinding",
                "providerRemembersReplaysAfterTheEngineHasForgottenTheBinding",
                "bindingUpdateWithWrongCredentialsIsRefused",
                "bindingUpdateForAnotherNodesHomeAddressIsAnswered129Or133AndNeverAccepted",
                "forgedAcceptanceIsIgnoredByTheMobileNode",
                "forgedSequenceNumberOutOfWindowIsIgnoredByTheMobileNode",
                "forgedLifetimeIsIgnoredByTheMobileNode");
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
