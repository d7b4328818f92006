package org.mip6kit.provider.ipsec;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.engine.BindingRecord;
import org.mip6kit.engine.MobileNodeEngine.Registration;
import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.Identity;
import org.mip6kit.tck.Deployment;
import org.mip6kit.tck.KitMobileNode;
import org.mip6kit.transport.InMemoryProviderNetwork;
import org.mip6kit.wire.AlternateCareOfAddress;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.SequenceNumber;

/**
 * Mode libipsec's home agent against what the kit does not try: floods from outside the tunnel,
 * a Binding Update that arrives through the tunnel before charon's event proving it (deferred
 * verdict) or without any, the bound on waiting verdicts, and charon restarting on either side.
 * On the kit's in-memory network and virtual time, with {@link org.mip6kit.provider.ipsec.sim.SimulatedCharons}.
 */
@Tag("small")
class IpsecHostileTest {

    private static final Duration LIMIT = Duration.ofMinutes(5);
    private final Harness kit = new Harness();
    private Deployment d;

    @BeforeAll
    static void makeDirectory() throws Exception {
        IpsecLibipsecCompatibilityTest.makeDirectory();
    }

    @AfterAll
    static void removeDirectory() throws Exception {
        IpsecLibipsecCompatibilityTest.removeDirectory();
    }

    @AfterEach
    void close() {
        if (d != null) {
            d.close();
        }
    }

    /** Exposes the kit's deployment to this test. */
    static final class Harness extends IpsecLibipsecCompatibilityTest {
        /** A deployment whose home agent has the tunnel end of node 0 even before node 0 exists. */
        Deployment open(int nodes) {
            Deployment d = deploy(nodes);
            d.network().host(Deployment.HOME_AGENT).iface(Deployment.homeAgentTunnel(0));
            return d;
        }

        Ipv6Address home(int node) {
            return homeAddress(node);
        }
    }

    private byte[] bindingUpdate(int sequence, Ipv6Address homeAddress, Ipv6Address careOf) {
        BindingUpdate bu = new BindingUpdate(SequenceNumber.of(sequence), Set.of(BindingUpdate.Flag.ACKNOWLEDGE,
                BindingUpdate.Flag.HOME_REGISTRATION), Lifetime.ofSeconds(600), List.of(new AlternateCareOfAddress(careOf)));
        return d.codec().encode(bu, homeAddress, Ipv6Address.parse("2001:db8:1::1"));
    }

    private long counter(String name) {
        return d.homeAgent().providerCounters().getOrDefault(name, 0L);
    }

    @Test
    void floodWithTheHomeAddressAsSourceFromOutsideTheTunnelIsDroppedAndCounted() {
        d = kit.open(1);
        KitMobileNode node = d.mobileNode(0);
        Registration r = d.await(node.start(), LIMIT, "registration");
        BindingRecord before = d.binding(r.homeAddress()).orElseThrow();
        InMemoryProviderNetwork.Host attacker = d.network().host(Deployment.ATTACKER);
        Ipv6Address evil = Ipv6Address.parse("2001:db8:ffff::bad");
        for (int i = 0; i < 1000; i++) {
            attacker.sendSpoofedMobilityHeader(bindingUpdate(before.sequence().value() + 1 + i, r.homeAddress(), evil),
                    Addressing.of(r.homeAddress(), Ipv6Address.parse("2001:db8:1::1")));
        }
        d.time().runDue();

        assertThat(d.binding(r.homeAddress())).as("the node's binding").contains(before);
        assertThat(counter("outside-tunnel")).as("Binding Updates dropped for arriving outside charon's tunnel")
                .isEqualTo(1000);
        assertThat(counter("deferred-verdicts")).as("none of them waited for an IKE event").isZero();
        assertThat(d.homeAgent().providerStateCount()).as("leases").isEqualTo(1);
    }

    @Test
    void bindingUpdateThroughTheTunnelBeforeCharonsEventWaitsForItAndIsAcceptedAsTheLeaseOwner() {
        d = kit.open(1);
        Ipv6Address hoa = kit.home(0);
        Ipv6Address careOf = Ipv6Address.parse("2001:db8:2::1");
        // What charon's TUN would deliver before charon has told the provider about the SA.
        d.network().host(Deployment.HOME_AGENT).injectMobilityHeader(Deployment.homeAgentTunnel(0),
                bindingUpdate(5, hoa, careOf), Addressing.of(hoa, Ipv6Address.parse("2001:db8:1::1")));
        d.time().runDue();
        assertThat(d.binding(hoa)).as("a binding before any IKE SA holds the address").isEmpty();
        assertThat(counter("deferred-verdicts")).isEqualTo(1);

        // The node's IKE SA comes up (its provider bootstraps through charon): the waiting verdict completes.
        d.directMobileNode(0).bootstrap(hoa, Ipv6Address.parse("2001:db8:1::1"));
        d.time().advance(Duration.ofMillis(500));
        BindingRecord b = d.binding(hoa).orElseThrow();
        assertThat(b.identity()).isEqualTo(new Identity(Identity.Kind.IKE_ID, IpsecLibipsecCompatibilityTest.nodeId(0)));
        assertThat(b.careOfAddress()).isEqualTo(careOf);
        assertThat(counter("unleased-source")).isZero();
    }

    @Test
    void bindingUpdateThroughTheTunnelThatNoIkeSaProvesIsDroppedAfterVerifyWait() {
        d = kit.open(1);
        Ipv6Address hoa = kit.home(0);
        d.network().host(Deployment.HOME_AGENT).injectMobilityHeader(Deployment.homeAgentTunnel(0),
                bindingUpdate(5, hoa, Ipv6Address.parse("2001:db8:2::1")),
                Addressing.of(hoa, Ipv6Address.parse("2001:db8:1::1")));
        d.time().advance(Duration.ofSeconds(3));
        assertThat(d.binding(hoa)).isEmpty();
        assertThat(counter("unleased-source")).as("dropped after verify-wait (2 s)").isEqualTo(1);
        assertThat(d.homeAgent().providerStateCount()).isZero();
    }

    @Test
    void waitingVerdictsAreBoundedAndAllEnd() {
        d = kit.open(1);
        int sent = IpsecHomeAgent.MAX_WAITING + 500;
        InMemoryProviderNetwork.Host ha = d.network().host(Deployment.HOME_AGENT);
        for (int i = 0; i < sent; i++) {
            Ipv6Address source = Ipv6Address.of(0x2001_0db8_0001_0000L, 0x0002_0000_0000L + i);
            ha.injectMobilityHeader(Deployment.homeAgentTunnel(0), bindingUpdate(1, source,
                    Ipv6Address.parse("2001:db8:2::1")), Addressing.of(source, Ipv6Address.parse("2001:db8:1::1")));
        }
        d.time().runDue();
        assertThat(counter("deferred-verdicts")).as("verdicts that wait").isEqualTo(IpsecHomeAgent.MAX_WAITING);
        assertThat(counter("unleased-source")).as("refused at once: too many wait").isEqualTo(500);
        d.time().advance(Duration.ofSeconds(3));
        assertThat(counter("unleased-source")).as("every one dropped in the end").isEqualTo(sent);
        assertThat(d.homeAgent().bindingCount()).isZero();
    }

    @Test
    void homeAgentsCharonRestartingRevokesTheBindingAndTheNodeRegistersAgain() {
        d = kit.open(1);
        KitMobileNode node = d.mobileNode(0);
        Registration r = d.await(node.start(), LIMIT, "registration");
        kit.charons.restart(Deployment.HOME_AGENT);
        d.time().advance(Duration.ofSeconds(2));
        // The provider reconnected, loaded its configuration again, found no SA: the old binding is revoked.
        assertThat(d.homeAgent().counters().revoked()).as("revocations").isEqualTo(1);
        assertThat(d.time().advanceUntil(() -> d.binding(r.homeAddress()).filter(BindingRecord::isBound).isPresent(),
                Duration.ofMillis(500), LIMIT)).as("registered again within " + LIMIT).isTrue();
        assertThat(d.binding(r.homeAddress()).orElseThrow().identity()).isEqualTo(r.identity());
        assertThat(d.homeAgent().providerStateCount()).as("one lease again").isEqualTo(1);
    }

    @Test
    void mobileNodesCharonRestartingMakesItBootstrapAndRegisterAgain() {
        d = kit.open(1);
        KitMobileNode node = d.mobileNode(0);
        Registration r = d.await(node.start(), LIMIT, "registration");
        long acceptedBefore = d.homeAgent().counters().accepted();
        kit.charons.restart("mobile-node-0");
        assertThat(d.time().advanceUntil(() -> d.homeAgent().counters().accepted() > acceptedBefore
                && d.homeAgent().providerStateCount() == 1, Duration.ofMillis(500), LIMIT)).isTrue();
        assertThat(d.homeAgent().counters().accepted()).as("Binding Updates accepted after the restart")
                .isGreaterThan(acceptedBefore);
        assertThat(d.binding(r.homeAddress()).orElseThrow().isBound()).isTrue();
        assertThat(node.registration()).isPresent();
    }
}
