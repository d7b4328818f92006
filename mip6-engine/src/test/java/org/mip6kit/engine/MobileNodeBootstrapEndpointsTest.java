package org.mip6kit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mip6kit.engine.MobileNodeTestRig.COA;
import static org.mip6kit.engine.MobileNodeTestRig.HA;
import static org.mip6kit.engine.MobileNodeTestRig.HOA;
import static org.mip6kit.engine.MobileNodeTestRig.MN;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.spi.BootstrapResult;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.Ipv4Address;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;

/**
 * {@link BootstrapResult#homeAgentEndpoints()}: at most one home agent endpoint per address
 * family (RFC 5555 UDP port 4191, RFC 6618 mip6-port); a Binding Update from an IPv6 care-of
 * address goes to the IPv6 endpoint, one from an IPv4 (IPv4-mapped) care-of address to the IPv4
 * endpoint. {@link org.mip6kit.spi.BootstrapRequest#careOf()} is the current care-of address.
 */
@Tag("small")
class MobileNodeBootstrapEndpointsTest {

    private static final InetSocketAddress V4_ENDPOINT = new InetSocketAddress("192.0.2.1", 4191);
    private static final InetSocketAddress V6_ENDPOINT = new InetSocketAddress("2001:db8:1::1", 4191);
    private static final Ipv6Address V4_CARE_OF = Ipv6Address.ipv4Mapped(Ipv4Address.parse("198.51.100.5"));

    private static BootstrapResult withBothEndpoints() {
        return new BootstrapResult(MN, Optional.of(HOA), Optional.empty(), Optional.empty(), HA,
                List.of(V4_ENDPOINT, V6_ENDPOINT));
    }

    private static MobileNodeTestRig rigFrom(Ipv6Address careOf, MobileNodeSettings settings) throws Exception {
        MobileNodeTestRig rig = new MobileNodeTestRig(Set.of(), settings, careOf);
        return rig;
    }

    @Test
    void bindingUpdateFromAnIpv6CareOfAddressGoesToTheIpv6Endpoint() throws Exception {
        MobileNodeTestRig rig = rigFrom(COA, MobileNodeTestRig.settings());
        rig.security().bootstrapAnswers.add(CompletableFuture.completedFuture(withBothEndpoints()));
        rig.start();

        assertThat(rig.lastSent().to().outerPeer()).contains(V6_ENDPOINT);
    }

    @Test
    void bindingUpdateAfterMovingToAnIpv4CareOfAddressGoesToTheIpv4Endpoint() throws Exception {
        MobileNodeTestRig rig = rigFrom(COA, MobileNodeTestRig.settings());
        rig.security().bootstrapAnswers.add(CompletableFuture.completedFuture(withBothEndpoints()));
        rig.register();
        rig.time.advance(Duration.ofSeconds(30));
        rig.engine.moveTo(V4_CARE_OF);
        rig.time.runDue();

        assertThat(rig.lastSent().to().outerPeer()).contains(V4_ENDPOINT);
        assertThat(rig.lastSent().to().source()).isEqualTo(HOA);
    }

    @Test
    void bindingUpdateFromAnIpv4CareOfAddressAtStartGoesToTheIpv4Endpoint() throws Exception {
        MobileNodeTestRig rig = rigFrom(V4_CARE_OF, MobileNodeTestRig.settings());
        rig.security().bootstrapAnswers.add(CompletableFuture.completedFuture(withBothEndpoints()));
        rig.start();

        assertThat(rig.security().bootstrapRequests.get(0).careOf()).isEqualTo(V4_CARE_OF);
        assertThat(rig.lastSent().to().outerPeer()).contains(V4_ENDPOINT);
    }

    @Test
    void endpointsFromBootstrapBeatConfiguredOnes() throws Exception {
        InetSocketAddress configured = new InetSocketAddress("203.0.113.9", 4191);
        MobileNodeTestRig rig = rigFrom(V4_CARE_OF, MobileNodeTestRig.settings().withHomeAgentEndpoint(configured));
        rig.security().bootstrapAnswers.add(CompletableFuture.completedFuture(withBothEndpoints()));
        rig.start();

        assertThat(rig.lastSent().to().outerPeer()).contains(V4_ENDPOINT);
    }

    @Test
    void bootstrapRequestCarriesTheCareOfAddressAtStart() throws Exception {
        MobileNodeTestRig rig = rigFrom(COA, MobileNodeTestRig.settings());
        rig.start();

        assertThat(rig.security().bootstrapRequests).singleElement()
                .satisfies(r -> assertThat(r.careOf()).isEqualTo(COA));
    }

    @Test
    void rebootstrapAfterAMoveAsksFromTheNewCareOfAddressAndItsEndpointsReplaceTheOldOnes() throws Exception {
        MobileNodeTestRig rig = rigFrom(COA, MobileNodeTestRig.settings());
        rig.security().bootstrapAnswers.add(CompletableFuture.completedFuture(withBothEndpoints()));
        rig.register();
        rig.time.advance(Duration.ofSeconds(30));
        rig.engine.moveTo(V4_CARE_OF);
        rig.time.runDue();
        rig.ack(BindingAckStatus.ACCEPTED, rig.lastBu().sequence(), Lifetime.ofSeconds(600));
        rig.time.advance(Duration.ofSeconds(30));
        InetSocketAddress leased = new InetSocketAddress("192.0.2.77", 4191);
        rig.security().bootstrapAnswers.add(CompletableFuture.completedFuture(new BootstrapResult(MN,
                Optional.of(HOA), Optional.empty(), Optional.empty(), HA, List.of(leased))));
        rig.security().handle.rebootstrap("new lease");
        rig.time.runDue();

        assertThat(rig.security().bootstrapRequests).extracting(r -> r.careOf()).containsExactly(COA, V4_CARE_OF);
        assertThat(rig.lastSent().to().outerPeer()).contains(leased);
    }
}
