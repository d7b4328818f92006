package org.mip6kit.provider.tls.protect;

/**
 * The two directions of an RFC 6618 security association (RFC 6618 §5.6.5, §6): each has its own
 * keys ({@code mip6-mn-to-ha-ikey}/{@code -ekey}, {@code mip6-ha-to-mn-ikey}/{@code -ekey}), its
 * own sequence numbers and its own anti-replay window.
 */
public enum Direction {
    /** Mobile node to home agent: the mobile node protects, the home agent verifies. */
    MN_TO_HA,
    /** Home agent to mobile node: the home agent protects, the mobile node verifies. */
    HA_TO_MN
}
