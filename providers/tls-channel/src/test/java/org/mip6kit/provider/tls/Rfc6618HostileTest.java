package org.mip6kit.provider.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.engine.BindingRecord;
import org.mip6kit.engine.EngineEvent;
import org.mip6kit.provider.tls.protect.PacketProtection;
import org.mip6kit.provider.tls.protect.Suite;
import org.mip6kit.spi.BootstrapRequest;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.HomeAgentSecurity;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.MobileNodeSecurity;
import org.mip6kit.spi.ProviderConfigException;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.ProviderDescriptor;
import org.mip6kit.spi.SecurityProviderFactory;
import org.mip6kit.spi.StandardProviderContext;
import org.mip6kit.spi.Verdict;
import org.mip6kit.spi.net.Datagram;
import org.mip6kit.spi.net.StreamConnection;
import org.mip6kit.spi.net.UdpEndpoint;
import org.mip6kit.tck.Deployment;
import org.mip6kit.tck.KitMobileNode;
import org.mip6kit.tck.Packet;
import org.mip6kit.tck.PathRule;
import org.mip6kit.transport.InMemoryProviderNetwork;
import org.mip6kit.wire.AlternateCareOfAddress;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobilityHeaderFormatException;
import org.mip6kit.wire.MobilityMessage;
import org.mip6kit.wire.SequenceNumber;

/**
 * Mode rfc6618 against an attacker and around status 176 (RFC 6618 §6, §8.2, §9.3), on the kit's
 * in-memory network and virtual time: replays, tampered packets, an association in its grace,
 * unknown SPIs and their flood, the unprotected 176 as a hint, a care-of change, and the Home
 * Agent Controller's refusals and connection limit. Kit nodes run the real engine; a hand-driven
 * node bootstraps with {@link HacClient} itself, so the test holds the association and seals
 * whatever it wants whenever it wants.
 */
@Tag("small")
class Rfc6618HostileTest {

    private final Harness kit = new Harness();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeAll
    static void writeCredentials() throws Exception {
        TlsChannelRfc6618CompatibilityTest.writeCredentials();
    }

    @AfterAll
    static void removeCredentials() throws Exception {
        TlsChannelRfc6618CompatibilityTest.removeCredentials();
    }

    @AfterEach
    void closeAll() throws Exception {
        Collections.reverse(toClose);
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    // ================================================================== anti-replay and integrity

    @Test
    void capturedPacketReplayedFromTheNodeOrASpoofedSourceIsDroppedByTheReplayWindow() {
        Deployment d = deploy(1);
        KitMobileNode node = d.mobileNode(0);
        d.await(node.start(), Duration.ofSeconds(30), "registration");
        Rfc6618HomeAgent ha = kit.homeAgent();
        Packet captured = last(node.participant().bindingUpdatesSent());
        BindingRecord before = d.binding(node.homeAddress()).orElseThrow();
        NodeAssociation a = ha.associations().byIdentity(identity(0)).orElseThrow();
        InetSocketAddress peer = a.peer().orElseThrow();
        int judged = judged(d);
        long dropped = ha.dropped();

        d.inject(captured);
        d.inject(captured.withSource(d.attacker().endpoint(40_000)));

        assertThat(judged(d)).as("no verdict for a replay").isEqualTo(judged);
        assertThat(ha.dropped()).isEqualTo(dropped + 2);
        BindingRecord after = d.binding(node.homeAddress()).orElseThrow();
        assertThat(after.sequence()).isEqualTo(before.sequence());
        assertThat(after.careOfAddress()).isEqualTo(before.careOfAddress());
        assertThat(a.peer()).contains(peer);
    }

    @Test
    void packetWithTamperedIcvCiphertextOrSpiIsDroppedAndTheGenuineOneStillCounts() {
        Deployment d = deploy(1);
        HandNode n = handNode(d, 0, TlsChannelRfc6618CompatibilityTest.key("node 0"), Map.of());
        n.provisioned(d.await(n.bootstrap(), Duration.ofSeconds(30), "bootstrap"));
        n.send(n.seal(n.bindingUpdate(1)));
        assertThat(n.protectedAcks()).extracting(BindingAcknowledgement::status).containsExactly(BindingAckStatus.ACCEPTED);
        Rfc6618HomeAgent ha = kit.homeAgent();
        int judged = judged(d);
        long dropped = ha.dropped();

        byte[] genuine = n.seal(n.bindingUpdate(2));
        byte[] icv = genuine.clone();
        icv[icv.length - 1] ^= 0x01;
        byte[] ciphertext = genuine.clone();
        ciphertext[PacketProtection.HEADER_LENGTH + 16 + 3] ^= 0x40; // past the 16-octet CBC IV
        byte[] spi = genuine.clone();
        spi[3] ^= 0x01;
        n.send(icv);
        n.send(ciphertext);
        n.send(spi);

        assertThat(judged(d)).as("no verdict for a tampered packet").isEqualTo(judged);
        assertThat(ha.dropped()).isEqualTo(dropped + 3);
        assertThat(d.binding(kit.hoa(0)).orElseThrow().sequence()).isEqualTo(SequenceNumber.of(1));
        assertThat(n.protectedAcks()).isEmpty();
        assertThat(n.unprotectedAcks()).as("only the changed SPI names an association nobody knows")
                .extracting(BindingAcknowledgement::status).containsExactly(BindingAckStatus.REINIT_SA_WITH_HAC);

        n.send(genuine);
        assertThat(n.protectedAcks()).extracting(BindingAcknowledgement::status).containsExactly(BindingAckStatus.ACCEPTED);
        assertThat(d.binding(kit.hoa(0)).orElseThrow().sequence()).isEqualTo(SequenceNumber.of(2));
    }

    @Test
    void authenticPacketWithAChecksumOverAnotherHomeAgentAddressIsDroppedAndReportedNotHandedOn() {
        Deployment d = deploy(1);
        HandNode n = handNode(d, 0, TlsChannelRfc6618CompatibilityTest.key("node 0"), Map.of());
        n.provisioned(d.await(n.bootstrap(), Duration.ofSeconds(30), "bootstrap"));
        Rfc6618HomeAgent ha = kit.homeAgent();
        int judged = judged(d);
        long mismatched = ha.counters().get("dropped-checksum-mismatch");

        // A node that took an advertised endpoint (here ::1) for the home agent's own address.
        NodeAssociation a = n.provisioning.association();
        n.send(a.sealer().seal(d.codec().encode(n.bindingUpdate(1), a.homeAddress(), Ipv6Address.parse("::1"))));

        assertThat(judged(d)).as("no verdict: the engine never saw it").isEqualTo(judged);
        assertThat(ha.counters().get("dropped-checksum-mismatch")).isEqualTo(mismatched + 1);
        assertThat(d.binding(kit.hoa(0))).isEmpty();
        assertThat(n.protectedAcks()).isEmpty();
        assertThat(providerEvents(d, "rfc6618-checksum-mismatch")).as("the event saying which address to configure")
                .isEqualTo(1);

        n.send(n.seal(n.bindingUpdate(2)));
        assertThat(n.protectedAcks()).extracting(BindingAcknowledgement::status).containsExactly(BindingAckStatus.ACCEPTED);
    }

    // ================================================================== 176

    @Test
    void bindingUpdateUnderAssociationInItsGraceGetsA176ProtectedByThatAssociation() {
        Deployment d = deploy(1);
        HandNode n = handNode(d, 0, TlsChannelRfc6618CompatibilityTest.key("node 0"), Map.of());
        Rfc6618MobileNode.Provisioning p = d.await(n.bootstrap(), Duration.ofSeconds(30), "bootstrap");
        n.provisioned(p);
        n.send(n.seal(n.bindingUpdate(1)));
        assertThat(n.protectedAcks()).extracting(BindingAcknowledgement::status).containsExactly(BindingAckStatus.ACCEPTED);
        Rfc6618HomeAgent ha = kit.homeAgent();
        long spi = p.association().spi();

        // The node skips its renewal and sends once the validity end has passed, within sa-grace.
        advanceTo(d, p.association().validityEnd().plusSeconds(5));
        assertThat(ha.associations().bySpi(spi)).as("kept through the grace").isPresent();
        n.send(n.seal(n.bindingUpdate(2)));

        List<BindingAcknowledgement> acks = n.protectedAcks();
        assertThat(acks).hasSize(1);
        assertThat(acks.get(0).status()).isEqualTo(BindingAckStatus.REINIT_SA_WITH_HAC);
        assertThat(acks.get(0).sequence()).isEqualTo(SequenceNumber.of(2));
        assertThat(n.protectedSpis()).containsOnly(spi);
        assertThat(last(d.homeAgentParticipant().provider().judged()).verdict()).isInstanceOf(Verdict.Reject.class);
        assertThat(d.binding(kit.hoa(0)).orElseThrow().sequence()).as("binding unchanged")
                .isEqualTo(SequenceNumber.of(1));

        // After the grace the association is gone: its SPI is unknown, the answer unprotected.
        advanceTo(d, p.association().validityEnd().plus(TlsChannelRfc6618CompatibilityTest.SA_GRACE).plusSeconds(1));
        assertThat(ha.associations().bySpi(spi)).isEmpty();
        n.send(n.seal(n.bindingUpdate(3)));
        assertThat(n.protectedAcks()).isEmpty();
        List<BindingAcknowledgement> hints = n.unprotectedAcks();
        assertThat(hints).hasSize(1);
        assertThat(hints.get(0).status()).isEqualTo(BindingAckStatus.REINIT_SA_WITH_HAC);
        assertThat(hints.get(0).sequence()).isEqualTo(SequenceNumber.of(0));
    }

    @Test
    void kitNodeWhoseBindingUpdateArrivesInTheGraceBootstrapsAgainOnTheProtected176() {
        kit.extras.put("sa-lifetime", "30s");
        Deployment d = deploy(1);
        KitMobileNode node = d.mobileNode(0);
        // The network holds the node's Binding Updates: the last one, sent before the validity end,
        // reaches the home agent only after it (the node's renewal is due only once registered).
        List<Packet> held = new CopyOnWriteArrayList<>();
        node.setRule(p -> {
            if (p.carriesBindingUpdate()) {
                held.add(p);
                return List.of();
            }
            return List.of(p);
        });
        CompletionStage<?> registration = node.start();
        Instant bootstrapped = d.time().now();
        d.time().advance(Duration.ofSeconds(29));
        assertThat(held).isNotEmpty();
        long firstSpi = kit.homeAgent().associations().byIdentity(identity(0)).orElseThrow().spi();
        Instant validityEnd = kit.homeAgent().associations().byIdentity(identity(0)).orElseThrow().validityEnd();
        assertThat(validityEnd).isBefore(bootstrapped.plusSeconds(31));
        advanceTo(d, validityEnd.plusSeconds(2));
        node.setRule(PathRule.PASS);
        d.release(last(held));

        d.await(registration, Duration.ofSeconds(30), "registration after the 176");
        List<BindingAcknowledgement> answers = d.homeAgentParticipant().provider().sent(BindingAcknowledgement.class);
        assertThat(answers).extracting(BindingAcknowledgement::status)
                .containsSubsequence(BindingAckStatus.REINIT_SA_WITH_HAC, BindingAckStatus.ACCEPTED);
        assertThat(provisioned(d, 0)).isEqualTo(2);
        NodeAssociation now = kit.homeAgent().associations().byIdentity(identity(0)).orElseThrow();
        assertThat(now.spi()).isNotEqualTo(firstSpi);
        assertThat(d.binding(node.homeAddress())).isPresent();
        assertThat(node.registration()).isPresent();
    }

    @Test
    void unknownSpiIsAnsweredWithUnprotected176OfSequenceZeroAndAFloodOnlyAtTheConfiguredRate() {
        kit.extras.put("unknown-spi-answers-per-second", 5);
        Deployment d = deploy(1);
        Rfc6618HomeAgent ha = kit.homeAgent();
        InetSocketAddress haUdp = new InetSocketAddress(kit.ha().toInetAddress(), 7872);

        flood(d, haUdp, 1, 1);
        List<Packet> answers = unknownSpiAnswers(d);
        assertThat(answers).hasSize(1);
        Packet answer = answers.get(0);
        assertThat(answer.destination()).as("back to the (spoofed) source").isEqualTo(new InetSocketAddress(
                Ipv6Address.parse("2001:db8:ffff::1").toInetAddress(), 1024 + 1000));
        byte[] o = answer.octets();
        assertThat(java.util.Arrays.copyOf(o, PacketProtection.HEADER_LENGTH)).as("PType 0, SPI 0, sequence 0")
                .containsOnly(0);
        BindingAcknowledgement ba = (BindingAcknowledgement) decode(d, PacketSealer.plaintextPayload(o));
        assertThat(ba.status()).isEqualTo(BindingAckStatus.REINIT_SA_WITH_HAC);
        assertThat(ba.sequence()).isEqualTo(SequenceNumber.of(0));

        d.time().advance(Duration.ofSeconds(2));
        byte[] headerOnly = {(byte) 0x8F, 0, 0, 1, 0, 0, 0, 1};
        d.inject(Packet.forgedDatagram(d.attacker().endpoint(40_000), haUdp, headerOnly));
        assertThat(unknownSpiAnswers(d)).as("a datagram shorter than the answer gets none (no amplification)")
                .hasSize(1);
        flood(d, haUdp, 1000, 2);
        int afterFirstSecond = unknownSpiAnswers(d).size() - 1;
        assertThat(afterFirstSecond).as("answers to 1,000 packets within one instant").isBetween(1, 5);
        d.time().advance(Duration.ofSeconds(1));
        flood(d, haUdp, 1000, 3);
        assertThat(unknownSpiAnswers(d).size() - 1 - afterFirstSecond).as("one second later").isBetween(1, 5);

        assertThat(ha.dropped()).isEqualTo(2002);
        assertThat(ha.perNodeStateCount()).isZero();
        assertThat(ha.associations().size()).isZero();
        assertThat(judged(d)).isZero();
        assertThat(d.homeAgent().binding(kit.hoa(0))).isEmpty();
    }

    @Test
    void nodeTakesAnUnprotected176AsAHintAtMostEvery30SecondsAndKeepsItsRegistration() {
        Deployment d = deploy(1);
        KitMobileNode node = d.mobileNode(0);
        d.await(node.start(), Duration.ofSeconds(30), "registration");
        assertThat(provisioned(d, 0)).isEqualTo(1);

        Instant first = d.time().now();
        d.inject(hint(d, node));
        d.time().advance(Duration.ofSeconds(5));
        assertThat(provisioned(d, 0)).as("one hint, one bootstrap").isEqualTo(2);
        assertThat(d.binding(node.homeAddress())).isPresent();

        while (d.time().now().isBefore(first.plusSeconds(28))) {
            d.inject(hint(d, node));
            d.time().advance(Duration.ofSeconds(2));
        }
        assertThat(provisioned(d, 0)).as("hints within 30 s of the first are ignored").isEqualTo(2);
        assertThat(d.binding(node.homeAddress())).isPresent();
        assertThat(node.registration()).isPresent();

        advanceTo(d, first.plusSeconds(31));
        d.inject(hint(d, node));
        d.time().advance(Duration.ofSeconds(5));
        assertThat(provisioned(d, 0)).isEqualTo(3);
        assertThat(d.binding(node.homeAddress())).isPresent();
        assertThat(node.registration()).isPresent();
        assertThat(d.homeAgentEventCount(EngineEvent.Kind.BINDING_DELETED)).isZero();
    }

    // ================================================================== care-of change

    @Test
    void careOfChangeKeepsTheAssociationAndOnlyAnAuthenticatedPacketMovesThePeer() {
        Deployment d = deploy(1);
        KitMobileNode node = d.mobileNode(0);
        d.await(node.start(), Duration.ofSeconds(30), "registration");
        Rfc6618HomeAgent ha = kit.homeAgent();
        NodeAssociation a = ha.associations().byIdentity(identity(0)).orElseThrow();
        InetSocketAddress peer = a.peer().orElseThrow();
        Packet captured = last(node.participant().bindingUpdatesSent());
        assertThat(peer).isEqualTo(captured.source());

        byte[] forged = captured.octets();
        forged[forged.length - 2] ^= 0x10;
        d.inject(Packet.forgedDatagram(d.attacker().endpoint(40_001), captured.destination(), forged));
        byte[] fresh = captured.octets();
        fresh[7] ^= 0x7F; // a sequence number never seen, ICV now wrong
        d.inject(Packet.forgedDatagram(d.attacker().endpoint(40_002), captured.destination(), fresh));
        d.inject(captured.withSource(d.attacker().endpoint(40_003)));
        assertThat(a.peer()).as("unauthenticated packets do not move the peer").contains(peer);

        Ipv6Address moved = kit.coa(0, 1);
        d.await(node.moveTo(moved), Duration.ofSeconds(30), "move");
        assertThat(provisioned(d, 0)).as("no new bootstrap for a move").isEqualTo(1);
        assertThat(ha.associations().byIdentity(identity(0))).containsSame(a);
        assertThat(d.binding(node.homeAddress()).orElseThrow().careOfAddress()).isEqualTo(moved);
        Packet fromNewAddress = last(node.participant().bindingUpdatesSent());
        assertThat(fromNewAddress.source().getAddress()).isEqualTo(moved.toInetAddress());
        assertThat(a.peer()).contains(fromNewAddress.source());
    }

    // ================================================================== Home Agent Controller

    @Test
    void controllerRefusesAWrongKeyWith401AndInstallsNothing() {
        Deployment d = deploy(1);
        HandNode n = handNode(d, 0, TlsChannelRfc6618CompatibilityTest.key("not the key of node 0"), Map.of());
        Throwable why = d.awaitFailure(n.bootstrap(), Duration.ofSeconds(60), "bootstrap with a wrong key");
        assertThat(why).hasMessageContaining("401");
        assertThat(kit.homeAgent().associations().size()).isZero();
        assertThat(kit.homeAgent().hac().orElseThrow().provisionedCount()).isZero();
        assertThat(provisioned(d, 0)).isZero();
    }

    @Test
    void nodeOfferingOnlySuitesTheHomeAgentDoesNotAllowGets403AndNothingInstalled() {
        kit.extras.put("suites", List.of(Suite.AES_128_CBC_SHA.rfcName()));
        Deployment d = deploy(1);
        HandNode n = handNode(d, 0, TlsChannelRfc6618CompatibilityTest.key("node 0"),
                Map.of("suites", List.of(Suite.NULL_SHA.rfcName())));
        Throwable why = d.awaitFailure(n.bootstrap(), Duration.ofSeconds(60), "bootstrap without a common suite");
        assertThat(why).hasMessageContaining("403");
        assertThat(kit.homeAgent().associations().size()).isZero();
        assertThat(provisioned(d, 0)).isZero();
        assertThat(providerEvents(d, "rfc6618-no-common-suite")).isEqualTo(1);
    }

    @Test
    void connectionsBeyondMaxHacConnectionsAreClosedAtOnceAndTheNodeSucceedsByRetrying() {
        kit.extras.put("max-hac-connections", 1);
        kit.extras.put("hac-timeout", "3s");
        Deployment d = deploy(1);
        InetSocketAddress hac = new InetSocketAddress(kit.ha().toInetAddress(),
                TlsChannelRfc6618CompatibilityTest.HAC_PORT);
        InMemoryProviderNetwork.Host attacker = d.attacker().host();
        StreamConnection idle = d.await(attacker.network().connectTcp(hac), Duration.ofSeconds(5), "first connection");
        AtomicBoolean idleEnded = new AtomicBoolean();
        idle.startReading(b -> { }, () -> idleEnded.set(true));
        StreamConnection extra = d.await(attacker.network().connectTcp(hac), Duration.ofSeconds(5), "second connection");
        AtomicBoolean extraEnded = new AtomicBoolean();
        extra.startReading(b -> { }, () -> extraEnded.set(true));
        d.time().runDue();
        HacServer server = kit.homeAgent().hac().orElseThrow();
        assertThat(extraEnded).as("the connection beyond the limit is closed at once").isTrue();
        assertThat(idleEnded).isFalse();
        assertThat(server.refusedCount()).isEqualTo(1);

        HandNode n = handNode(d, 0, TlsChannelRfc6618CompatibilityTest.key("node 0"), Map.of());
        Instant start = d.time().now();
        Rfc6618MobileNode.Provisioning p = d.await(n.bootstrap(), Duration.ofSeconds(60), "bootstrap by retrying");
        assertThat(server.refusedCount()).as("the node's first attempt was refused").isGreaterThanOrEqualTo(2);
        assertThat(idleEnded).as("the idle connection ended after hac-timeout").isTrue();
        assertThat(Duration.between(start, d.time().now())).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(server.provisionedCount()).isEqualTo(1);
        assertThat(kit.homeAgent().associations().bySpi(p.association().spi())).isPresent();
        idle.close();
        extra.close();
    }

    // ================================================================== harness

    /** The kit's configuration and deployment, keeping the home agent's provider instance for inspection. */
    static final class Harness extends TlsChannelRfc6618CompatibilityTest {
        final Map<String, Object> extras = new HashMap<>();
        final List<Rfc6618HomeAgent> homeAgents = new CopyOnWriteArrayList<>();

        @Override
        protected SecurityProviderFactory provider() {
            TlsChannelProvider real = new TlsChannelProvider();
            return new SecurityProviderFactory() {
                @Override
                public ProviderDescriptor descriptor() {
                    return real.descriptor();
                }

                @Override
                public MobileNodeSecurity mobileNode(ProviderContext c, ConfigSection s) throws ProviderConfigException {
                    return real.mobileNode(c, s);
                }

                @Override
                public HomeAgentSecurity homeAgent(ProviderContext c, ConfigSection s) throws ProviderConfigException {
                    HomeAgentSecurity h = real.homeAgent(c, s);
                    homeAgents.add((Rfc6618HomeAgent) h);
                    return h;
                }
            };
        }

        @Override
        protected Map<String, Object> homeAgentExtras() {
            return extras;
        }

        Deployment open(int nodes) {
            return deploy(nodes);
        }

        Ipv6Address hoa(int node) {
            return homeAddress(node);
        }

        Ipv6Address ha() {
            return homeAgentAddress();
        }

        Ipv6Address coa(int node, int move) {
            return careOfAddress(node, move);
        }

        Rfc6618HomeAgent homeAgent() {
            return homeAgents.get(homeAgents.size() - 1);
        }
    }

    /** A mobile node the test drives by hand: HacClient's bootstrap, then datagrams it seals itself. */
    final class HandNode implements AutoCloseable {
        final Deployment d;
        final int index;
        final Ipv6Address careOf;
        final InMemoryProviderNetwork.Host host;
        final ProviderContext context;
        final Rfc6618MobileNodeConfig config;
        final List<Datagram> received = new CopyOnWriteArrayList<>();
        int read;
        Rfc6618MobileNode.Provisioning provisioning;
        UdpEndpoint endpoint;

        HandNode(Deployment d, int index, ConfigSection section) {
            this.d = d;
            this.index = index;
            this.careOf = Ipv6Address.parse("2001:db8:2:99::" + (index + 1));
            this.host = d.network().host("hand-node-" + index).iface(Deployment.OUTSIDE_INTERFACE, careOf.toString());
            this.context = StandardProviderContext.builder(ProviderContext.Role.MOBILE_NODE).clock(d.time().clock())
                    .scheduler(d.time()).codec(d.codec()).network(host.network()).build();
            try {
                this.config = Rfc6618MobileNodeConfig.read(section, d.time().clock());
            } catch (ProviderConfigException e) {
                throw new AssertionError(e);
            }
        }

        CompletionStage<Rfc6618MobileNode.Provisioning> bootstrap() {
            return HacClient.bootstrap(context, config, new BootstrapRequest(BootstrapRequest.Want.HOME_ADDRESS, false,
                    Optional.of(kit.hoa(index)), Optional.of(kit.ha()), careOf));
        }

        void provisioned(Rfc6618MobileNode.Provisioning p) {
            provisioning = p;
            endpoint = host.network().bindUdp(new InetSocketAddress(careOf.toInetAddress(), 0));
            endpoint.start(received::add);
        }

        BindingUpdate bindingUpdate(int sequence) {
            return new BindingUpdate(SequenceNumber.of(sequence), EnumSet.of(BindingUpdate.Flag.ACKNOWLEDGE,
                    BindingUpdate.Flag.HOME_REGISTRATION), Lifetime.ofSeconds(600), List.of(new AlternateCareOfAddress(careOf)));
        }

        byte[] seal(BindingUpdate bu) {
            NodeAssociation a = provisioning.association();
            return a.sealer().seal(d.codec().encode(bu, a.homeAddress(), provisioning.homeAgent()));
        }

        void send(byte[] datagram) {
            endpoint.send(datagram, provisioning.endpoints().get(0));
            d.time().runDue();
        }

        private List<Datagram> unread() {
            List<Datagram> all = List.copyOf(received);
            List<Datagram> fresh = all.subList(read, all.size());
            read = all.size();
            return fresh;
        }

        final List<Long> spis = new ArrayList<>();
        private final List<Datagram> plain = new ArrayList<>();

        /** The acknowledgements received under the association since the last call (opened by the node's sealer). */
        List<BindingAcknowledgement> protectedAcks() {
            List<BindingAcknowledgement> out = new ArrayList<>();
            for (Datagram g : unread()) {
                byte[] p = g.payload();
                if (PacketSealer.isPlaintext(p)) {
                    plain.add(g);
                    continue;
                }
                spis.add(PacketSealer.spiOf(p));
                provisioning.association().sealer().open(p).ifPresent(mh -> out.add((BindingAcknowledgement) decode(d, mh)));
            }
            return out;
        }

        List<Long> protectedSpis() {
            return List.copyOf(spis);
        }

        /** The unprotected packets of type 0 received since the last call, decoded. */
        List<BindingAcknowledgement> unprotectedAcks() {
            protectedAcks().forEach(a -> {
                throw new AssertionError("unexpected protected " + a);
            });
            List<BindingAcknowledgement> out = new ArrayList<>();
            for (Datagram g : plain) {
                out.add((BindingAcknowledgement) decode(d, PacketSealer.plaintextPayload(g.payload())));
            }
            plain.clear();
            return out;
        }

        @Override
        public void close() {
            if (endpoint != null) {
                endpoint.close();
            }
        }
    }

    private Deployment deploy(int nodes) {
        Deployment d = kit.open(nodes);
        toClose.add(d);
        return d;
    }

    private HandNode handNode(Deployment d, int index, String key, Map<String, Object> extras) {
        HandNode n = new HandNode(d, index, kit.nodeConfig(index, key, extras));
        toClose.add(n);
        return n;
    }

    private static MobilityMessage decode(Deployment d, byte[] mh) {
        try {
            return d.codec().decodeTrustingChecksum(mh);
        } catch (MobilityHeaderFormatException e) {
            throw new AssertionError("not a Mobility Header: " + e.getMessage(), e);
        }
    }

    private static Identity identity(int node) {
        return HacServer.identityOf(TlsChannelRfc6618CompatibilityTest.mnId(node));
    }

    private static int judged(Deployment d) {
        return d.homeAgentParticipant().provider().judged().size();
    }

    private static long providerEvents(Deployment d, String kind) {
        return d.homeAgentEvents().stream().filter(e -> e.kind() == EngineEvent.Kind.PROVIDER_EVENT)
                .filter(e -> e.detail().startsWith(kind + ":")).count();
    }

    /** Bootstraps of node {@code node} the Home Agent Controller completed. */
    private static long provisioned(Deployment d, int node) {
        return d.homeAgentEvents().stream().filter(e -> e.kind() == EngineEvent.Kind.PROVIDER_EVENT)
                .filter(e -> e.detail().startsWith("rfc6618-provisioned:"))
                .filter(e -> e.identity().equals(Optional.of(identity(node)))).count();
    }

    private static void advanceTo(Deployment d, Instant when) {
        Duration left = Duration.between(d.time().now(), when);
        if (!left.isNegative()) {
            d.time().advance(left);
        }
    }

    private static <T> T last(List<T> list) {
        assertThat(list).isNotEmpty();
        return list.get(list.size() - 1);
    }

    /** {@code count} type-8 packets under SPIs never issued, from as many spoofed sources. */
    private static void flood(Deployment d, InetSocketAddress to, int count, int round) {
        for (int i = 0; i < count; i++) {
            byte[] p = new byte[64];
            int spi = 0x0F00_0000 | (round << 16) | i;
            p[0] = (byte) (0x80 | (spi >>> 24));
            p[1] = (byte) (spi >>> 16);
            p[2] = (byte) (spi >>> 8);
            p[3] = (byte) spi;
            p[7] = 1;
            Ipv6Address from = Ipv6Address.parse("2001:db8:ffff::" + Integer.toHexString(1 + (i % 0xFFFE)));
            d.attacker().send(Packet.forgedDatagram(new InetSocketAddress(from.toInetAddress(), 1024 + round * 1000 + i),
                    to, p));
        }
        d.time().runDue();
    }

    private static List<Packet> unknownSpiAnswers(Deployment d) {
        return d.homeAgentParticipant().sent().stream().filter(p -> p.kind() == InMemoryProviderNetwork.Kind.UDP)
                .filter(p -> p.source().getPort() == 7872).filter(p -> PacketSealer.isPlaintext(p.octets())).toList();
    }

    /** An unprotected 176 of sequence 0, as the home agent's port would send it, to the node's current endpoint. */
    private Packet hint(Deployment d, KitMobileNode node) {
        Packet latest = last(node.participant().sent().stream().filter(p -> p.kind() == InMemoryProviderNetwork.Kind.UDP)
                .filter(p -> p.destination().getPort() == 7872).toList());
        BindingAcknowledgement ba = new BindingAcknowledgement(BindingAckStatus.REINIT_SA_WITH_HAC, java.util.Set.of(),
                SequenceNumber.of(0), Lifetime.ofUnits(0), List.of());
        byte[] mh = d.codec().encode(ba, kit.ha(), kit.ha());
        return Packet.forgedDatagram(latest.destination(), latest.source(), PacketSealer.plaintext(mh));
    }
}
