package org.mip6kit.provider.auth4285;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.mip6kit.engine.VirtualTime;
import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.BootstrapRequest;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.HomeAgentSecurity;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.Observed;
import org.mip6kit.spi.MobileNodeSecurity;
import org.mip6kit.spi.ProviderConfigException;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.ReplyContext;
import org.mip6kit.spi.SignallingPath;
import org.mip6kit.spi.Verdict;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobilityHeaderFormatException;
import org.mip6kit.wire.MobilityMessage;
import org.mip6kit.wire.MobilityOption;
import org.mip6kit.wire.SequenceNumber;

/**
 * A home agent and a mobile node side of the provider, with the test-vector parameters of
 * docs/protocol-notes.md#test-vectors (key 00..0f, SPI 256, NAI mn1@example.com, HoA 2001:db8:1::100, HA
 * 2001:db8:1::1, CoA 2001:db8:2::100), their paths started on {@link CapturingTransport}s.
 */
final class Parties {

    static final Ipv6Address HOME_ADDRESS = Ipv6Address.parse("2001:db8:1::100");
    static final Ipv6Address HOME_AGENT = Ipv6Address.parse("2001:db8:1::1");
    static final Ipv6Address CARE_OF = Ipv6Address.parse("2001:db8:2::100");
    static final String NAI = "mn1@example.com";
    static final long SPI = 256;
    static final String KEY = "000102030405060708090a0b0c0d0e0f";
    /** TV3's timestamp 0xe93c7f0080000000. */
    static final Instant TV3_TIME = Instant.parse("2024-01-01T00:00:00.500Z");

    final VirtualTime time;
    final TestContext haContext;
    final TestContext mnContext;
    final HomeAgentSecurity homeAgent;
    final MobileNodeSecurity mobileNode;
    final CapturingTransport haTransport = new CapturingTransport();
    final CapturingTransport mnTransport = new CapturingTransport();
    final SignallingPath haPath;
    final SignallingPath mnPath;

    private Parties(Instant start, Map<String, Object> haConfig, Map<String, Object> mnConfig, Duration mnSkew)
            throws ProviderConfigException {
        time = TestContext.timeAt(start);
        haContext = new TestContext(ProviderContext.Role.HOME_AGENT, time);
        mnContext = new TestContext(ProviderContext.Role.MOBILE_NODE, time, mnSkew);
        AuthOption4285Provider provider = new AuthOption4285Provider();
        homeAgent = provider.homeAgent(haContext, ConfigSection.of("security.auth-option-4285", null, haConfig));
        mobileNode = provider.mobileNode(mnContext, ConfigSection.of("security.auth-option-4285", null, mnConfig));
        mobileNode.bootstrap(new BootstrapRequest(BootstrapRequest.Want.HOME_ADDRESS, false,
                Optional.of(HOME_ADDRESS), Optional.of(HOME_AGENT), Parties.CARE_OF)).toCompletableFuture().join();
        haPath = homeAgent.path(() -> haTransport);
        haPath.start(haTransport.delivered::add);
        mnPath = mobileNode.path(() -> mnTransport);
        mnPath.start(mnTransport.delivered::add);
    }

    /** The test-vector node and a home agent knowing it, at {@code start}. */
    static Parties at(Instant start) throws ProviderConfigException {
        return new Parties(start, haConfig(Map.of()), mnConfig(), Duration.ZERO);
    }

    /** A home agent and a mobile node configured with the given sections, at {@code start}. */
    static Parties configured(Instant start, Map<String, Object> haConfig, Map<String, Object> mnConfig)
            throws ProviderConfigException {
        return new Parties(start, haConfig, mnConfig, Duration.ZERO);
    }

    static Parties at(Instant start, Map<String, Object> haExtra, Duration mnSkew) throws ProviderConfigException {
        return new Parties(start, haConfig(haExtra), mnConfig(), mnSkew);
    }

    static Map<String, Object> haConfig(Map<String, Object> extra) {
        Map<String, Object> c = new HashMap<>(extra);
        c.putIfAbsent("keys", List.of(Map.of("nai", NAI, "spi", SPI, "key", KEY)));
        return c;
    }

    static Map<String, Object> mnConfig() {
        return Map.of("nai", NAI, "spi", SPI, "key", KEY);
    }

    /** A BU from the care-of address with a Home Address option (as TV3). */
    static Addressing fromCareOf() {
        return new Addressing(CARE_OF, HOME_AGENT, Optional.of(HOME_ADDRESS), Optional.empty(), Optional.empty());
    }

    /** The BA to the care-of address with a type 2 routing header (as TV3b). */
    static Addressing toCareOf() {
        return new Addressing(HOME_AGENT, CARE_OF, Optional.empty(), Optional.of(HOME_ADDRESS), Optional.empty());
    }

    /** TV3's Binding Update before protection: seq 2, A|H, lifetime 150 units. */
    static BindingUpdate tv3Update() {
        return new BindingUpdate(SequenceNumber.of(2), EnumSet.of(BindingUpdate.Flag.ACKNOWLEDGE,
                BindingUpdate.Flag.HOME_REGISTRATION), Lifetime.ofUnits(150), List.of());
    }

    /** The mobile node protects and sends {@code bu}; returns the octets it sent. */
    byte[] mobileNodeSends(BindingUpdate bu, Addressing to) {
        mnPath.send(bu, to, Optional.empty()).toCompletableFuture().join();
        return mnTransport.last().octets();
    }

    /** The home agent's verdict on {@code mh} received with {@code addressing}. */
    Verdict homeAgentJudges(byte[] mh, Addressing addressing) {
        return haPath.verify(new Inbound(mh, addressing, Observed.NOTHING), decode(mh, addressing)).toCompletableFuture().join();
    }

    /** The home agent answers with {@code status} through the reply context; returns the octets sent. */
    byte[] homeAgentAnswers(BindingAckStatus status, SequenceNumber seq, ReplyContext reply, Addressing to) {
        return homeAgentAnswers(new BindingAcknowledgement(status, EnumSet.noneOf(BindingAcknowledgement.Flag.class),
                seq, status.isAccepted() ? Lifetime.ofUnits(150) : Lifetime.ZERO, List.<MobilityOption>of()), reply, to);
    }

    byte[] homeAgentAnswers(BindingAcknowledgement ba, ReplyContext reply, Addressing to) {
        haPath.send(ba, to, Optional.of(reply)).toCompletableFuture().join();
        return haTransport.last().octets();
    }

    /** The mobile node's verdict on {@code mh} received with {@code addressing}. */
    Verdict mobileNodeJudges(byte[] mh, Addressing addressing) {
        return mnPath.verify(new Inbound(mh, addressing, Observed.NOTHING), decode(mh, addressing)).toCompletableFuture().join();
    }

    static MobilityMessage decode(byte[] mh, Addressing a) {
        try {
            return TestContext.providerCodec().decode(mh, a.pseudoHeaderSource(), a.pseudoHeaderDestination());
        } catch (MobilityHeaderFormatException e) {
            throw new AssertionError("does not decode: " + e.getMessage(), e);
        }
    }

    /** The reply context of an accepting or rejecting verdict. */
    static ReplyContext replyOf(Verdict v) {
        if (v instanceof Verdict.Accept a) {
            return a.reply();
        }
        if (v instanceof Verdict.Reject r) {
            return r.reply().orElseThrow(() -> new AssertionError("the rejection has no reply context: " + r));
        }
        throw new AssertionError("no reply context in " + v);
    }
}
