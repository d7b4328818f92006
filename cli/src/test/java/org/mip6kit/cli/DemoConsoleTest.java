package org.mip6kit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.engine.EngineEvent;
import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.Identity;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.BindingRefreshAdvice;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv4Address;
import org.mip6kit.wire.Ipv4CareOfAddress;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobileNodeIdentifier;
import org.mip6kit.wire.MobilityOptionRegistry;
import org.mip6kit.wire.NatDetection;
import org.mip6kit.wire.SequenceNumber;

/** The demo's lines: columns, the effective care-of address, NAT detection, bounded waits. */
@Tag("small")
class DemoConsoleTest {

    private static final Ipv6Address HA = Ipv6Address.parse("2001:db8:1::1");
    private static final Ipv6Address HOA = Ipv6Address.parse("2001:db8:1::100");

    private final StringWriter text = new StringWriter();
    private final DemoConsole console = new DemoConsole(new PrintWriter(text), MobilityOptionRegistry.standard(),
            false);

    private static InetSocketAddress endpoint(String literal, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(literal), port);
    }

    @Test
    void bindingUpdateFromAnIpv4CareOfAddressShowsThatAddressAndTheFFlag() throws Exception {
        BindingUpdate bu = new BindingUpdate(SequenceNumber.of(4711), EnumSet.of(BindingUpdate.Flag.ACKNOWLEDGE,
                BindingUpdate.Flag.HOME_REGISTRATION, BindingUpdate.Flag.FORCE_UDP_ENCAPSULATION),
                Lifetime.ofSeconds(600), List.of(new Ipv4CareOfAddress(Ipv4Address.parse("192.0.2.100")),
                MobileNodeIdentifier.nai("mn1@example.com")));
        Addressing to = new Addressing(HOA, HA, Optional.empty(), Optional.empty(),
                Optional.of(endpoint("127.0.0.1", 4191)));

        console.sent(DemoConsole.Side.MN, bu, endpoint("127.0.0.1", 50000), to);

        assertThat(text.toString().lines()).containsExactly(
                "MN  -> HA  BU  seq=4711 lifetime=600s flags=AHF coa=192.0.2.100",
                "               udp 127.0.0.1:50000 -> 127.0.0.1:4191; options: IPv4 Care-of Address 192.0.2.100, "
                        + "MN-ID mn1@example.com");
    }

    @Test
    void bindingUpdateFromTheHomeAddressIsShownAsDeregistration() throws Exception {
        BindingUpdate bu = new BindingUpdate(SequenceNumber.of(9), EnumSet.of(BindingUpdate.Flag.ACKNOWLEDGE,
                BindingUpdate.Flag.HOME_REGISTRATION), Lifetime.ZERO, List.of());
        Addressing to = new Addressing(HOA, HA, Optional.empty(), Optional.empty(), Optional.of(endpoint("::1", 4191)));

        console.sent(DemoConsole.Side.MN, bu, endpoint("::1", 50000), to);

        assertThat(text.toString().lines().findFirst()).contains(
                "MN  -> HA  BU  seq=9 lifetime=0s flags=AH coa=2001:db8:1::100 (the home address: deregistration)");
    }

    @Test
    void acknowledgementWithNatDetectionIsFollowedByTheNatLine() throws Exception {
        BindingAcknowledgement ba = new BindingAcknowledgement(BindingAckStatus.ACCEPTED, Set.of(),
                SequenceNumber.of(4712), Lifetime.ofSeconds(8), List.of(new BindingRefreshAdvice(Lifetime.ofSeconds(4)),
                new NatDetection(false, 110)));
        Addressing to = new Addressing(HA, HOA, Optional.empty(), Optional.empty(),
                Optional.of(endpoint("127.0.0.1", 50000)));

        console.sent(DemoConsole.Side.HA, ba, endpoint("127.0.0.1", 4191), to);

        assertThat(text.toString().lines()).containsExactly(
                "HA  -> MN  BA  status=Binding Update accepted(0) seq=4712 lifetime=8s",
                "               udp 127.0.0.1:4191 -> 127.0.0.1:50000; options: Binding Refresh Advice 4s, "
                        + "NAT Detection refresh 110s",
                "HA         NAT detected (RFC 5555): the BU came from udp 127.0.0.1:50000, not from its IPv4 care-of "
                        + "address; keep-alive every 110s");
    }

    @Test
    void bindingEventShowsHomeAndCareOfAddressIdentityAndDetail() {
        console.listener(DemoConsole.Side.HA).onEvent(EngineEvent.of(EngineEvent.Kind.BINDING_MOVED,
                Identity.nai("mn1@example.com"), HOA, Ipv6Address.ipv4Mapped(Ipv4Address.parse("192.0.2.100")),
                BindingAckStatus.ACCEPTED, SequenceNumber.of(5), "seq=5 lifetime=8s"));

        assertThat(text.toString()).isEqualTo("HA         binding moved: 2001:db8:1::100 -> 192.0.2.100 "
                + "(nai:mn1@example.com) seq=5 lifetime=8s" + System.lineSeparator());
    }

    @Test
    void mutedEnginesPrintNothingButAreStillRecorded() {
        console.muteEngines();

        console.listener(DemoConsole.Side.MN).onEvent(EngineEvent.of(EngineEvent.Kind.DEREGISTERED, null, HOA, HOA,
                BindingAckStatus.ACCEPTED, "seq=1"));

        assertThat(text.toString()).isEmpty();
        assertThat(console.eventCount()).isEqualTo(1);
    }

    @Test
    void socketAddressesInEngineDetailAreShownAsLiterals() {
        assertThat(DemoConsole.tidyEndpoints("home agent 2001:db8:1::1 via udp /[0:0:0:0:0:0:0:1]:4191"))
                .isEqualTo("home agent 2001:db8:1::1 via udp [::1]:4191");
        assertThat(DemoConsole.tidyEndpoints("via udp /127.0.0.1:4191, home prefix 2001:db8:1::/64"))
                .isEqualTo("via udp 127.0.0.1:4191, home prefix 2001:db8:1::/64");
    }

    @Test
    void awaitingAnEventThatNeverComesFailsNamingTheStep() {
        assertThatThrownBy(() -> console.await(DemoConsole.Side.HA, EngineEvent.Kind.BINDING_REFRESHED, 0,
                Duration.ZERO, "the refresh"))
                .isInstanceOf(DemoFailure.class)
                .hasMessage("the refresh: nothing within 0ms");
    }

    @Test
    void awaitFindsAnEventRecordedAfterTheMarkOnly() throws Exception {
        DemoConsole.Side ha = DemoConsole.Side.HA;
        console.listener(ha).onEvent(EngineEvent.of(EngineEvent.Kind.BINDING_REFRESHED, null, HOA, HOA, null, "a"));
        int mark = console.eventCount();
        console.listener(ha).onEvent(EngineEvent.of(EngineEvent.Kind.BINDING_REFRESHED, null, HOA, HOA, null, "b"));

        int found = console.await(ha, EngineEvent.Kind.BINDING_REFRESHED, mark, Duration.ZERO, "x");

        assertThat(found).isEqualTo(1);
        assertThat(console.events().get(found).event().detail()).isEqualTo("b");
    }
}
