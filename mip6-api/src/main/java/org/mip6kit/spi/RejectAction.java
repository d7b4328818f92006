package org.mip6kit.spi;

/**
 * What the mobile node does after a verified Binding Acknowledgement rejected its Binding
 * Update ({@link MobileNodeSecurity#onRejected}). The engine handles 135 (sequence number out
 * of window) itself and never asks the provider about it.
 */
public sealed interface RejectAction permits RejectAction.GiveUp, RejectAction.Retry, RejectAction.BootstrapAgain {

    /** Stop registering with this home agent and report the failure. */
    record GiveUp(String reason) implements RejectAction {
    }

    /**
     * Send the Binding Update again now. With {@code sameSequenceNumber} the retry reuses the
     * rejected sequence number (RFC 4285 §6: after 144 the mobile node corrects its clock and
     * retries), otherwise it takes the next one.
     */
    record Retry(boolean sameSequenceNumber, String reason) implements RejectAction {
    }

    /** Run bootstrap again, then register (RFC 6618 §8.2: 176 REINIT_SA_WITH_HAC). */
    record BootstrapAgain(String reason) implements RejectAction {
    }
}
