package org.mip6kit.provider.tls.protect;

/**
 * Why {@link PacketProtection#verify} refused a datagram. Every refusal means: drop the datagram
 * silently (RFC 4303 §3.4, which RFC 6618 §6 follows); the reason is for counters and debug logs.
 * The order of the constants is the order of the checks.
 */
public enum VerifyFailure {
    /** Shorter than the header, or than header, IV, smallest trailer and ICV of the suite. */
    TOO_SHORT,
    /** The 4-bit packet type is not one RFC 6618 defines. */
    UNKNOWN_PTYPE,
    /** Packet type 0: sent in the clear, so there is nothing to verify; signalling must not be accepted so. */
    PLAINTEXT,
    /** The SPI is not the one of this security association. */
    WRONG_SPI,
    /** The encrypted part is not a whole number of cipher blocks / 32-bit words. */
    BAD_LENGTH,
    /** The sequence number was already received (or lost a race with the same number). */
    REPLAYED,
    /** The sequence number is left of the anti-replay window. */
    TOO_OLD,
    /** The integrity check value does not match: wrong key, or the packet was changed. */
    BAD_ICV,
    /** Pad length larger than the plaintext, or padding octets not 1, 2, 3, ... (RFC 4303 §2.4). */
    BAD_PADDING,
    /** The next header does not fit the packet type (135 for a Mobility Header, 41 or 4 for an IP packet). */
    BAD_NEXT_HEADER,
    /** The security association's validity end and the grace after it have passed. */
    EXPIRED
}
