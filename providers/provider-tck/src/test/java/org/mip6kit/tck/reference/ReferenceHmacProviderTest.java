package org.mip6kit.tck.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.ProviderConfigException;
import org.mip6kit.spi.SecurityProviderFactory;
import org.mip6kit.wire.AlternateCareOfAddress;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobileNodeIdentifier;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityOptionRegistry;
import org.mip6kit.wire.SequenceNumber;

/** The reference provider's own rules: its option on the wire, its authenticator, its configuration. */
@Tag("small")
class ReferenceHmacProviderTest {

    private static final String KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    private static final Ipv6Address HOA = Ipv6Address.parse("2001:db8:1::1:0:0");
    private static final Ipv6Address HA = Ipv6Address.parse("2001:db8:1::1");
    private static final Ipv6Address COA = Ipv6Address.parse("2001:db8:2::1");
    private static final MobilityHeaderCodec CODEC =
            new MobilityHeaderCodec(MobilityOptionRegistry.standard().with(AuthenticatorOption.CODEC));

    @Test
    void isFoundByServiceLoaderUnderItsName() {
        assertThat(ServiceLoader.load(SecurityProviderFactory.class).stream()
                .map(p -> p.get().descriptor().name()).toList()).contains(ReferenceHmacProvider.NAME);
    }

    @Test
    void authenticatorTravelsAsExperimentalOption18WithKeyIdTimestampAndMacLast() {
        BindingUpdate bu = new BindingUpdate(SequenceNumber.of(7),
                EnumSet.of(BindingUpdate.Flag.ACKNOWLEDGE, BindingUpdate.Flag.HOME_REGISTRATION), Lifetime.ofUnits(150),
                List.of(new AlternateCareOfAddress(COA), MobileNodeIdentifier.nai("n@x"),
                        AuthenticatorOption.unsigned(0x01020304L, 0x0A0B0C0D0E0F1011L)));
        Addressing to = new Addressing(COA, HA, Optional.of(HOA), Optional.empty(), Optional.empty());
        byte[] mh = HmacAuthenticator.protect(CODEC, bu, to, HexFormat.of().parseHex(KEY));

        int mac = HmacAuthenticator.macOffset(mh);
        int option = mac - 14;
        assertThat(mh[option] & 0xFF).as("Option Type: Experimental Mobility Option (RFC 5096)").isEqualTo(18);
        assertThat(mh[option + 1] & 0xFF).as("Option Length").isEqualTo(28);
        assertThat(option % 4).as("alignment 4n+2").isEqualTo(2);
        assertThat(HexFormat.of().formatHex(mh, option + 2, option + 14)).as("Key ID, Timestamp")
                .isEqualTo("010203040a0b0c0d0e0f1011");
        assertThat(mh.length - (mac + 16)).as("only padding after the authenticator").isLessThan(8);
        assertThat(MobilityHeaderCodec.checksumValid(mh, HOA, HA)).isTrue();
        assertThat(HmacAuthenticator.verifies(mh, to, HexFormat.of().parseHex(KEY))).isTrue();
    }

    @Test
    void authenticatorCoversTheHomeAddressAndTheHomeAgentButLeavesTheChecksumOut() {
        BindingUpdate bu = new BindingUpdate(SequenceNumber.of(7), EnumSet.of(BindingUpdate.Flag.HOME_REGISTRATION),
                Lifetime.ofUnits(150), List.of(MobileNodeIdentifier.nai("n@x"), AuthenticatorOption.unsigned(1, 2)));
        byte[] key = HexFormat.of().parseHex(KEY);
        Addressing to = new Addressing(COA, HA, Optional.of(HOA), Optional.empty(), Optional.empty());
        byte[] mh = HmacAuthenticator.protect(CODEC, bu, to, key);

        Addressing otherHome = new Addressing(COA, HA, Optional.of(Ipv6Address.parse("2001:db8:1::9")),
                Optional.empty(), Optional.empty());
        assertThat(HmacAuthenticator.verifies(mh, otherHome, key)).as("another home address").isFalse();
        Addressing otherAgent = new Addressing(COA, Ipv6Address.parse("2001:db8:1::2"), Optional.of(HOA),
                Optional.empty(), Optional.empty());
        assertThat(HmacAuthenticator.verifies(mh, otherAgent, key)).as("another home agent").isFalse();
        byte[] rechecksummed = mh.clone();
        MobilityHeaderCodec.fillChecksum(rechecksummed, Ipv6Address.parse("2001:db8:9::9"), HA);
        assertThat(HmacAuthenticator.verifies(rechecksummed, to, key)).as("only the checksum differs").isTrue();
        assertThat(HmacAuthenticator.verifies(mh, to, HexFormat.of().parseHex(KEY.replace('0', '1'))))
                .as("another key").isFalse();
    }

    @Test
    void timestampIsNtpSecondsAndFraction() {
        Instant t = Instant.parse("2024-01-01T00:00:00.5Z");
        assertThat(HmacAuthenticator.ntp(t)).isEqualTo(0xe93c7f0080000000L); // TV3, docs/protocol-notes.md#test-vectors
        assertThat(HmacAuthenticator.fromNtp(HmacAuthenticator.ntp(t))).isEqualTo(t);
    }

    @Test
    void badKeyIsRefusedNamingTheKeyWithoutEchoingIt() {
        String secretLooking = "deadbeef".repeat(7);
        ConfigSection cfg = ConfigSection.of("security.reference-hmac", null,
                Map.of("nai", "n@x", "key-id", 1, "key", secretLooking));
        assertThatThrownBy(() -> new ReferenceHmacProvider().mobileNode(null, cfg))
                .isInstanceOf(ProviderConfigException.class)
                .hasMessageContaining("security.reference-hmac.key")
                .hasMessageContaining("64 hexadecimal digits")
                .hasMessageNotContaining(secretLooking);
    }

    @Test
    void unknownKeyIsRefusedListingTheAllowedOnes() {
        ConfigSection cfg = ConfigSection.of("security.reference-hmac", null,
                Map.of("nai", "n@x", "key-id", 1, "key", KEY, "kee", "x"));
        assertThatThrownBy(() -> new ReferenceHmacProvider().mobileNode(null, cfg))
                .isInstanceOf(ProviderConfigException.class)
                .hasMessageContaining("security.reference-hmac.kee")
                .hasMessageContaining("key-id");
    }

    @Test
    void twoNodesWithOneKeyIdAreRefused() {
        Map<String, Object> node = Map.of("nai", "a@x", "key-id", 5, "key", KEY);
        ConfigSection cfg = ConfigSection.of("security.reference-hmac", null,
                Map.of("nodes", List.of(node, Map.of("nai", "b@x", "key-id", 5, "key", KEY))));
        assertThatThrownBy(() -> new ReferenceHmacProvider().homeAgent(null, cfg))
                .isInstanceOf(ProviderConfigException.class)
                .hasMessageContaining("security.reference-hmac.nodes[1].key-id");
    }

    @Test
    void credentialsAndReplyContextNeverShowTheKey() {
        NodeCredentials c = new NodeCredentials("n@x", 9, HexFormat.of().parseHex(KEY));
        ReferenceHomeAgentSecurity.NodeReply reply = new ReferenceHomeAgentSecurity.NodeReply(c);
        assertThat(c.toString()).doesNotContain(KEY).contains("n@x");
        assertThat(reply.toString()).doesNotContain(KEY);
        assertThat(reply.describe()).isEqualTo("key-id=9");
    }
}
