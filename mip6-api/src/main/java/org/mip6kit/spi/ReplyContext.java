package org.mip6kit.spi;

/**
 * What protecting a reply needs, as the provider's verification found it: the security
 * association or key to authenticate the Binding Acknowledgement with, the timestamp to echo,
 * the association or peer to send it through. Opaque to the engine, which only hands it back
 * to {@link SignallingPath#send}. Immutable; its {@code toString()} must not reveal secrets.
 */
public interface ReplyContext {

    /**
     * For verdicts that need no reply: a mobile node accepting a Binding Acknowledgement, or a
     * provider whose replies need nothing from the verification.
     */
    ReplyContext NONE = () -> "none";

    /** A short description for logs, e.g. {@code "spi=256"}; never a key. */
    String describe();
}
