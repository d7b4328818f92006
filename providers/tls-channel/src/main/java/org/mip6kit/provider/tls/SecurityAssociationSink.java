package org.mip6kit.provider.tls;

/**
 * How a Home Agent Controller hands a new RFC 6618 security association to the home agent
 * (RFC 6618 §4.3 leaves this interface unspecified; it must be confidential and
 * integrity-protected). In mip6kit the HAC runs in the home agent's process and calls
 * {@link #install} directly. A separate HAC would carry the same fields — identity, home address,
 * SPI, suite, the four keys, validity end — over a mutually authenticated TLS connection to the
 * home agent, which would then adopt the home address for the identity in its home address book
 * ({@link org.mip6kit.spi.HomeAddressBook#adopt}) and call {@link #install}; see
 * docs/providers/tls-channel.md#separate-hac.
 */
public interface SecurityAssociationSink {

    /**
     * Makes {@code association} the one the home agent protects and verifies the node's signalling
     * with, replacing any earlier association of the same identity at once.
     *
     * @throws IllegalStateException if the SPI is already in use
     */
    void install(NodeAssociation association);
}
