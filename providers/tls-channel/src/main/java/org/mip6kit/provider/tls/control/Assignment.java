package org.mip6kit.provider.tls.control;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import org.mip6kit.spi.HomePrefix;
import org.mip6kit.wire.Ipv4Address;
import org.mip6kit.wire.Ipv6Address;

/**
 * What a Home Agent Controller assigns a mobile node (RFC 6618 §5.6 security association,
 * §5.7 bootstrap parameters), sent in MHAuth-Done-resp and read back by the node.
 *
 * <pre>
 *  mip6-haa-ip6 / mip6-haa-ip4   home agent address (IPv4 optional)
 *  mip6-port                     the home agent's UDP port, 1..65535
 *  mip6-ip6-hoa / mip6-ip6-hnp   home address and/or home network prefix (at least one)
 *  mip6-spi                      SPI, 1..2^28-1
 *  mip6-ciphersuite              the suite chosen from the node's list (§5.6.5 name)
 *  mip6-mn-to-ha-ikey / -ekey    keys protecting what the node sends
 *  mip6-ha-to-mn-ikey / -ekey    keys protecting what the home agent sends
 *  mip6-sa-validity-end          when the SA ends; the node returns to the controller before
 *  mip6-sas                      scope: signalling, or signalling and data
 * </pre>
 *
 * Integrity keys have 1..64 octets; encryption keys 0..64, both empty for a NULL suite or both
 * not. Key octets are copied in and out; {@link #toString()} shows only their lengths.
 */
public final class Assignment implements ProvisioningOutcome {

    private final Ipv6Address homeAgent;
    private final Optional<Ipv4Address> homeAgentIpv4;
    private final int port;
    private final Optional<Ipv6Address> homeAddress;
    private final Optional<HomePrefix> homePrefix;
    private final int spi;
    private final String suite;
    private final byte[] mnToHaIntegrityKey;
    private final byte[] mnToHaEncryptionKey;
    private final byte[] haToMnIntegrityKey;
    private final byte[] haToMnEncryptionKey;
    private final Instant validityEnd;
    private final SaScope scope;

    private Assignment(Builder b) {
        homeAgent = Objects.requireNonNull(b.homeAgent, "homeAgent");
        homeAgentIpv4 = Optional.ofNullable(b.homeAgentIpv4);
        if (b.port < 1 || b.port > 65535) {
            throw new IllegalArgumentException("port is 1..65535, got " + b.port);
        }
        port = b.port;
        homeAddress = Optional.ofNullable(b.homeAddress);
        homePrefix = Optional.ofNullable(b.homePrefix);
        if (homeAddress.isEmpty() && homePrefix.isEmpty()) {
            throw new IllegalArgumentException("an assignment gives a home address, a home prefix or both");
        }
        if (b.spi < 1 || b.spi > ControlFields.MAX_SPI) {
            throw new IllegalArgumentException("the SPI is 1.." + ControlFields.MAX_SPI + ", got " + b.spi);
        }
        spi = b.spi;
        if (!ControlFields.isSuiteName(b.suite)) {
            throw new IllegalArgumentException("a suite name is letters, digits and '_'");
        }
        suite = b.suite;
        mnToHaIntegrityKey = key("MN-to-HA integrity key", b.mnToHaIntegrityKey, 1);
        haToMnIntegrityKey = key("HA-to-MN integrity key", b.haToMnIntegrityKey, 1);
        mnToHaEncryptionKey = key("MN-to-HA encryption key", b.mnToHaEncryptionKey, 0);
        haToMnEncryptionKey = key("HA-to-MN encryption key", b.haToMnEncryptionKey, 0);
        if ((mnToHaEncryptionKey.length == 0) != (haToMnEncryptionKey.length == 0)) {
            throw new IllegalArgumentException("both encryption keys are empty (NULL suite) or neither");
        }
        validityEnd = Objects.requireNonNull(b.validityEnd, "validityEnd");
        scope = Objects.requireNonNull(b.scope, "scope");
    }

    private static byte[] key(String what, byte[] k, int min) {
        if (k == null) {
            if (min == 0) {
                return new byte[0];
            }
            throw new IllegalArgumentException(what + " is missing");
        }
        if (k.length < min || k.length > ControlFields.MAX_KEY_OCTETS) {
            throw new IllegalArgumentException(what + " has " + min + ".." + ControlFields.MAX_KEY_OCTETS
                    + " octets, got " + k.length);
        }
        return k.clone();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Ipv6Address homeAgent() {
        return homeAgent;
    }

    public Optional<Ipv4Address> homeAgentIpv4() {
        return homeAgentIpv4;
    }

    public int port() {
        return port;
    }

    public Optional<Ipv6Address> homeAddress() {
        return homeAddress;
    }

    public Optional<HomePrefix> homePrefix() {
        return homePrefix;
    }

    public int spi() {
        return spi;
    }

    public String suite() {
        return suite;
    }

    public byte[] mnToHaIntegrityKey() {
        return mnToHaIntegrityKey.clone();
    }

    /** Empty for a NULL suite. */
    public byte[] mnToHaEncryptionKey() {
        return mnToHaEncryptionKey.clone();
    }

    public byte[] haToMnIntegrityKey() {
        return haToMnIntegrityKey.clone();
    }

    /** Empty for a NULL suite. */
    public byte[] haToMnEncryptionKey() {
        return haToMnEncryptionKey.clone();
    }

    public Instant validityEnd() {
        return validityEnd;
    }

    public SaScope scope() {
        return scope;
    }

    /** Adds this assignment's fields, in the order of the class comment, to {@code m}. */
    ControlMessage.Builder appendTo(ControlMessage.Builder m) {
        m.field(ControlFields.HA_ADDRESS_IP6, homeAgent.toString());
        homeAgentIpv4.ifPresent(a -> m.field(ControlFields.HA_ADDRESS_IP4, a.toString()));
        m.field(ControlFields.PORT, Integer.toString(port));
        homeAddress.ifPresent(a -> m.field(ControlFields.HOME_ADDRESS_IP6, a.toString()));
        homePrefix.ifPresent(p -> m.field(ControlFields.HOME_PREFIX_IP6, p.toString()));
        m.field(ControlFields.SPI, Integer.toString(spi));
        m.field(ControlFields.CIPHERSUITE, suite);
        m.field(ControlFields.MN_TO_HA_IKEY, ControlFields.bytesToHex(mnToHaIntegrityKey));
        if (mnToHaEncryptionKey.length > 0) {
            m.field(ControlFields.MN_TO_HA_EKEY, ControlFields.bytesToHex(mnToHaEncryptionKey));
        }
        m.field(ControlFields.HA_TO_MN_IKEY, ControlFields.bytesToHex(haToMnIntegrityKey));
        if (haToMnEncryptionKey.length > 0) {
            m.field(ControlFields.HA_TO_MN_EKEY, ControlFields.bytesToHex(haToMnEncryptionKey));
        }
        m.field(ControlFields.SA_VALIDITY_END, ControlFields.formatInstant(validityEnd));
        m.field(ControlFields.SA_SCOPE, Integer.toString(scope.code()));
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Assignment a && a.homeAgent.equals(homeAgent) && a.homeAgentIpv4.equals(homeAgentIpv4)
                && a.port == port && a.homeAddress.equals(homeAddress) && a.homePrefix.equals(homePrefix)
                && a.spi == spi && a.suite.equals(suite) && Arrays.equals(a.mnToHaIntegrityKey, mnToHaIntegrityKey)
                && Arrays.equals(a.mnToHaEncryptionKey, mnToHaEncryptionKey)
                && Arrays.equals(a.haToMnIntegrityKey, haToMnIntegrityKey)
                && Arrays.equals(a.haToMnEncryptionKey, haToMnEncryptionKey)
                && a.validityEnd.equals(validityEnd) && a.scope == scope;
    }

    @Override
    public int hashCode() {
        return Objects.hash(homeAgent, port, homeAddress, homePrefix, spi, suite, validityEnd, scope);
    }

    @Override
    public String toString() {
        return "Assignment[ha=" + homeAgent + homeAgentIpv4.map(a -> "/" + a).orElse("") + " port " + port
                + homeAddress.map(a -> ", hoa=" + a).orElse("") + homePrefix.map(p -> ", hnp=" + p).orElse("")
                + ", spi=" + spi + ", suite=" + suite + ", keys " + mnToHaIntegrityKey.length + "/"
                + mnToHaEncryptionKey.length + "/" + haToMnIntegrityKey.length + "/" + haToMnEncryptionKey.length
                + " octets, until " + validityEnd + ", scope " + scope + "]";
    }

    /** Collects an assignment's parts; {@link #build()} validates them. */
    public static final class Builder {
        private Ipv6Address homeAgent;
        private Ipv4Address homeAgentIpv4;
        private int port;
        private Ipv6Address homeAddress;
        private HomePrefix homePrefix;
        private int spi;
        private String suite;
        private byte[] mnToHaIntegrityKey;
        private byte[] mnToHaEncryptionKey;
        private byte[] haToMnIntegrityKey;
        private byte[] haToMnEncryptionKey;
        private Instant validityEnd;
        private SaScope scope = SaScope.SIGNALLING;

        private Builder() {
        }

        public Builder homeAgent(Ipv6Address a) {
            homeAgent = a;
            return this;
        }

        public Builder homeAgentIpv4(Ipv4Address a) {
            homeAgentIpv4 = a;
            return this;
        }

        public Builder port(int p) {
            port = p;
            return this;
        }

        public Builder homeAddress(Ipv6Address a) {
            homeAddress = a;
            return this;
        }

        public Builder homePrefix(HomePrefix p) {
            homePrefix = p;
            return this;
        }

        public Builder spi(int s) {
            spi = s;
            return this;
        }

        public Builder suite(String s) {
            suite = s;
            return this;
        }

        /** Keys in the order MN→HA integrity, MN→HA encryption, HA→MN integrity, HA→MN encryption. */
        public Builder keys(byte[] mnToHaIntegrity, byte[] mnToHaEncryption, byte[] haToMnIntegrity,
                byte[] haToMnEncryption) {
            mnToHaIntegrityKey = mnToHaIntegrity;
            mnToHaEncryptionKey = mnToHaEncryption;
            haToMnIntegrityKey = haToMnIntegrity;
            haToMnEncryptionKey = haToMnEncryption;
            return this;
        }

        public Builder validityEnd(Instant t) {
            validityEnd = t;
            return this;
        }

        public Builder scope(SaScope s) {
            scope = s;
            return this;
        }

        /** @throws IllegalArgumentException naming the part that is missing or out of range */
        public Assignment build() {
            return new Assignment(this);
        }
    }
}
