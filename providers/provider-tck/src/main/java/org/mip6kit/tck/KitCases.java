package org.mip6kit.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Assumptions;
import org.mip6kit.engine.EngineEvent;
import org.mip6kit.engine.HomeAgentEngine;
import org.mip6kit.engine.MobileNodeEngine.Registration;
import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.Capability;
import org.mip6kit.spi.Verdict;
import org.mip6kit.transport.InMemoryProviderNetwork.Kind;
import org.mip6kit.wire.AlternateCareOfAddress;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityMessage;
import org.mip6kit.wire.MobilityOption;
import org.mip6kit.wire.SequenceNumber;

/**
 * What every group of the kit's cases shares: the kit's hooks, deployments, and the attacker's
 * and observer's helpers. One subclass per concern ({@link RegistrationCases},
 * {@link TamperingCases}, {@link ReplayCases}, {@link AuthorisationCases}, {@link ChannelCases},
 * {@link LifecycleCases}); {@link ProviderCompatibilityKit} lists their rules as its tests.
 */
abstract class KitCases {

    static final Duration REGISTRATION_LIMIT = Duration.ofMinutes(5);

    final ProviderCompatibilityKit kit;

    KitCases(ProviderCompatibilityKit kit) {
        this.kit = kit;
    }

    Deployment deploy(int nodes) {
        return kit.deploy(nodes);
    }

    Registration register(Deployment d, KitMobileNode node) {
        return d.await(node.start(), REGISTRATION_LIMIT, "home registration of " + node);
    }

    /**
     * Holds (records and drops) every packet carrying a Binding Update the node sends from now
     * on; anything else (a channel's handshake) passes.
     */
    static List<Packet> hold(KitMobileNode node) {
        List<Packet> held = Collections.synchronizedList(new ArrayList<>());
        node.setRule(p -> {
            if (!p.carriesBindingUpdate()) {
                return List.of(p);
            }
            held.add(p);
            return List.of();
        });
        return held;
    }

    static Packet firstBindingUpdate(List<Packet> packets, String what) {
        synchronized (packets) {
            return packets.stream().filter(Packet::carriesBindingUpdate).findFirst()
                    .orElseThrow(() -> new AssertionError("no Binding Update in flight for " + what));
        }
    }

    /** Holds the node's next Binding Update (a refresh): advances time until one is held. */
    static Packet holdNextRefresh(Deployment d, KitMobileNode node, Registration r) {
        List<Packet> held = hold(node);
        d.time().advanceUntil(() -> !held.isEmpty(), Duration.ofSeconds(1), r.grantedLifetime().toDuration());
        Packet refresh = firstBindingUpdate(held, "the refresh");
        node.setRule(PathRule.PASS);
        return refresh;
    }

    /** The Binding Update a packet carries. */
    static BindingUpdate carried(Packet p) {
        return (BindingUpdate) p.carries().filter(m -> m instanceof BindingUpdate)
                .orElseThrow(() -> new AssertionError(p + " carries no Binding Update"));
    }

    /**
     * {@code genuine} from the attacker instead: a Mobility Header whose framing shows it gets
     * the attacker's address as its source (checksum recomputed), and a datagram comes from the
     * attacker's own endpoint.
     */
    static Packet fromTheAttacker(Packet genuine) {
        Packet p = genuine;
        if (genuine.innerAddressing().isPresent()) {
            Addressing a = genuine.innerAddressing().get();
            p = p.withInnerAddressing(new Addressing(Deployment.ATTACKER_ADDRESS, a.destination(),
                    a.homeAddressOption(), a.routingHeader(), Optional.empty()));
        }
        if (p.kind() == Kind.UDP) {
            p = p.withSource(new InetSocketAddress(Deployment.ATTACKER_ADDRESS.toInetAddress(),
                    genuine.source().getPort()));
        }
        return p;
    }

    /**
     * Copies of {@code genuine} with one octet changed each (lowest bit) — of the Mobility Header
     * when the framing shows one (skipping its framing and checksum, and any change that decodes
     * to the same message: padding, reserved bits), else of the whole payload — and, for a
     * Mobility Header with a Home Address option, the original claiming {@code otherHomeAddress}.
     */
    static List<Packet> tamperedCopies(Deployment d, Packet genuine, Ipv6Address otherHomeAddress) {
        Optional<MobilityMessage> original = d.decode(genuine);
        boolean mh = genuine.mobilityHeader().filter(Packet::looksLikeMobilityHeader).isPresent();
        List<Packet> copies = new ArrayList<>();
        for (int k = 0; k < genuine.tamperableLength(); k++) {
            if (mh && (k < 3 || k == MobilityHeaderCodec.CHECKSUM_OFFSET || k == MobilityHeaderCodec.CHECKSUM_OFFSET + 1)) {
                continue;
            }
            Packet copy = genuine.withOctetFlipped(k, 0x01);
            if (original.isPresent() && d.decode(copy).equals(original)) {
                continue;
            }
            copies.add(copy);
        }
        Optional<Addressing> inner = genuine.innerAddressing();
        if (otherHomeAddress != null && inner.isPresent() && inner.get().homeAddressOption().isPresent()) {
            Addressing a = inner.get();
            copies.add(genuine.withInnerAddressing(new Addressing(a.source(), a.destination(),
                    Optional.of(otherHomeAddress), a.routingHeader(), Optional.empty())));
        }
        return copies;
    }

    static String describeDifference(Packet genuine, Packet copy) {
        byte[] a = genuine.mobilityHeader().orElse(genuine.octets());
        byte[] b = copy.mobilityHeader().orElse(copy.octets());
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            if (a[i] != b[i] && i != MobilityHeaderCodec.CHECKSUM_OFFSET && i != MobilityHeaderCodec.CHECKSUM_OFFSET + 1) {
                return "octet " + i + " changed from 0x" + Integer.toHexString(a[i] & 0xFF) + " to 0x"
                        + Integer.toHexString(b[i] & 0xFF);
            }
        }
        return "addressing changed to " + copy.innerAddressing().orElse(null);
    }

    /** A Binding Update as the engine would build it for a node whose provider declares {@code capabilities}. */
    static BindingUpdate bindingUpdate(SequenceNumber seq, Ipv6Address careOf, boolean askForK,
                                       Set<Capability> capabilities) {
        Set<BindingUpdate.Flag> flags = EnumSet.of(BindingUpdate.Flag.ACKNOWLEDGE, BindingUpdate.Flag.HOME_REGISTRATION);
        if (askForK) {
            flags.add(BindingUpdate.Flag.KEY_MANAGEMENT_MOBILITY);
        }
        List<MobilityOption> options = capabilities.contains(Capability.NEEDS_ALTERNATE_COA)
                ? List.of(new AlternateCareOfAddress(careOf)) : List.of();
        return new BindingUpdate(seq, flags, Lifetime.ofDuration(ProviderCompatibilityKit.REQUESTED_LIFETIME), options);
    }

    /** The Binding Acknowledgements the home agent sent to {@code careOf} whose framing shows them, decoded. */
    static List<BindingAcknowledgement> acknowledgementsOnTheWireTo(Deployment d, Ipv6Address careOf) {
        List<BindingAcknowledgement> out = new ArrayList<>();
        for (Packet p : d.homeAgentParticipant().acknowledgementsSent()) {
            if (Ipv6Address.fromBytes(p.destination().getAddress().getAddress()).equals(careOf)) {
                d.decode(p).filter(m -> m instanceof BindingAcknowledgement)
                        .ifPresent(m -> out.add((BindingAcknowledgement) m));
            }
        }
        return out;
    }

    /** Registers {@code witness} and returns the options of the accepting acknowledgement it got, as seen on the wire. */
    List<MobilityOption> acknowledgementOptionsOf(Deployment d, KitMobileNode witness) {
        register(d, witness);
        List<BindingAcknowledgement> bas = acknowledgementsOnTheWireTo(d, witness.careOfAddress());
        return bas.isEmpty() ? List.of() : bas.get(bas.size() - 1).options();
    }

    static List<SequenceNumber> sequencesSentBy(KitMobileNode node) {
        return node.provider().sent(BindingUpdate.class).stream().map(BindingUpdate::sequence).toList();
    }

    /**
     * None of the forged messages was accepted by the node's provider: each one either never
     * left the provider's own path towards the engine, or got a verdict other than Accept. And
     * the node acted on no rejection.
     */
    static void assertNoneAccepted(KitMobileNode node, List<Packet> forged) {
        Set<ByteBuffer> octets = new HashSet<>();
        for (Packet p : forged) {
            p.mobilityHeader().ifPresent(mh -> octets.add(ByteBuffer.wrap(mh)));
        }
        List<ProviderLog.Judged> accepted = node.provider().judged().stream()
                .filter(j -> octets.contains(ByteBuffer.wrap(j.inbound().octets())))
                .filter(j -> j.verdict() instanceof Verdict.Accept).toList();
        assertThat(accepted).as("forged acknowledgements the node's provider accepted").isEmpty();
        assertThat(node.eventCount(EngineEvent.Kind.REGISTRATION_REJECTED)).as("rejections the node acted on").isZero();
    }

    void requireInsideReplayWindow(Deployment d, Registration r) {
        Duration window = kit.replayWindow();
        Assumptions.assumeTrue(window.compareTo(Duration.ofSeconds(3)) >= 0,
                "the kit replays about 2 s after the original; replayWindow() must be at least 3 s, is " + window);
        Instant sentAt = r.expiresAt().minus(r.grantedLifetime().toDuration());
        Duration age = Duration.between(sentAt, d.time().now());
        assertThat(age).as("age of the replayed Binding Update (must be inside the replay window)").isLessThan(window);
    }

    /** How long after the last binding ended per-node state may linger: the replay hold or window, a sweep and 30 s. */
    Duration settleTime(Deployment d) {
        return max(d.settings().replayHold(), kit.replayWindow()).plus(d.settings().sweepInterval()).plusSeconds(30);
    }

    static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** The home agent's verdict counters before an attack, to tell the provider's refusals from the engine's. */
    record Verdicts(long accepted, long refused) {

        static Verdicts of(HomeAgentEngine ha) {
            HomeAgentEngine.Counters c = ha.counters();
            return new Verdicts(c.accepted(), c.refused());
        }

        /**
         * None of the messages was accepted, and none got as far as the engine's own protocol
         * checks: the provider refused each one (in its verdict, or in its own path before the
         * engine saw anything).
         */
        void assertRefusedByProvider(Deployment d, String what) {
            HomeAgentEngine.Counters c = d.homeAgent().counters();
            assertThat(c.accepted() - accepted).as("%s accepted", what).isZero();
            assertThat(c.refused() - refused)
                    .as("%s that passed the provider and were stopped only by the engine's own checks "
                            + "(its sequence number or replay hold)", what)
                    .isZero();
        }
    }
}
