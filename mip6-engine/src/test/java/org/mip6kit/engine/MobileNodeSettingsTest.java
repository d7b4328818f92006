package org.mip6kit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.spi.BootstrapRequest;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.SequenceNumber;

/**
 * MobileNodeSettings: RFC 6275 §12/§13 defaults, the checks that keep an engine from starting with
 * nonsense, and the one-endpoint-per-address-family rule for the home agent's UDP endpoints.
 */
@Tag("small")
class MobileNodeSettingsTest {

    @Test
    void defaultsAreTheRfcValues() {
        MobileNodeSettings d = MobileNodeSettings.defaults();
        assertThat(d.homeAgent()).isEmpty();
        assertThat(d.homeAgentEndpoints()).isEmpty();
        assertThat(d.homeAddress()).isEmpty();
        assertThat(d.want()).isEqualTo(BootstrapRequest.Want.HOME_ADDRESS);
        assertThat(d.ipv4HomeAddress()).isFalse();
        assertThat(d.requestedLifetime()).isEqualTo(Duration.ofSeconds(600));
        assertThat(d.initialBindAckTimeoutFirstReg()).isEqualTo(Duration.ofMillis(1500));
        assertThat(d.initialBindAckTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(d.maxBindAckTimeout()).isEqualTo(Duration.ofSeconds(32));
        assertThat(d.maxUpdatesPerSecond()).isEqualTo(3);
        assertThat(d.giveUpAfterRetransmissions()).isEqualTo(10);
        assertThat(d.refreshMargin()).isEqualTo(0.2);
        assertThat(d.shutdownTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(d.initialSequence()).isEmpty();
        assertThat(d.requestedWireLifetime()).isEqualTo(Lifetime.ofUnits(150));
    }

    @Test
    void withersChangeOnlyTheirOwnField() {
        Ipv6Address ha = Ipv6Address.parse("2001:db8::1");
        MobileNodeSettings s = MobileNodeSettings.defaults().withHomeAgent(ha).withGiveUpAfterRetransmissions(0)
                .withInitialSequence(SequenceNumber.of(7)).withIpv4HomeAddress(true);
        assertThat(s.homeAgent()).contains(ha);
        assertThat(s.giveUpAfterRetransmissions()).isZero();
        assertThat(s.initialSequence()).contains(SequenceNumber.of(7));
        assertThat(s.ipv4HomeAddress()).isTrue();
        assertThat(s.requestedLifetime()).isEqualTo(Duration.ofSeconds(600));
        Ipv6Address coa = Ipv6Address.parse("2001:db8:99::5");
        assertThat(s.bootstrapRequest(coa)).isEqualTo(new BootstrapRequest(BootstrapRequest.Want.HOME_ADDRESS, true,
                Optional.empty(), Optional.of(ha), coa));
    }

    @Test
    void theLargestLifetimeIs262140SecondsAndTheSmallestOneUnit() {
        assertThat(MobileNodeSettings.defaults().withRequestedLifetime(Duration.ofSeconds(262_140))
                .requestedWireLifetime()).isEqualTo(Lifetime.MAX);
        assertThatThrownBy(() -> MobileNodeSettings.defaults().withRequestedLifetime(Duration.ofSeconds(262_141)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("requestedLifetime")
                .hasMessageContaining("262140");
        assertThatThrownBy(() -> MobileNodeSettings.defaults().withRequestedLifetime(Duration.ofSeconds(3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("requestedLifetime");
    }

    @Test
    void theMaximumTimeoutMustNotBeBelowEitherInitialTimeout() {
        assertThatThrownBy(() -> MobileNodeSettings.defaults().withMaxBindAckTimeout(Duration.ofMillis(1200)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBindAckTimeout")
                .hasMessageContaining("initialBindAckTimeoutFirstReg");
        assertThatThrownBy(() -> MobileNodeSettings.defaults().withInitialBindAckTimeout(Duration.ofSeconds(40)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBindAckTimeout");
        assertThatThrownBy(() -> MobileNodeSettings.defaults().withInitialBindAckTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("initialBindAckTimeout must be positive");
    }

    @Test
    void ratesCountsAndMarginsAreChecked() {
        assertThatThrownBy(() -> MobileNodeSettings.defaults().withMaxUpdatesPerSecond(0))
                .hasMessageContaining("maxUpdatesPerSecond");
        assertThatThrownBy(() -> MobileNodeSettings.defaults().withGiveUpAfterRetransmissions(-1))
                .hasMessageContaining("giveUpAfterRetransmissions");
        assertThatThrownBy(() -> MobileNodeSettings.defaults().withRefreshMargin(0))
                .hasMessageContaining("refreshMargin");
        assertThatThrownBy(() -> MobileNodeSettings.defaults().withRefreshMargin(1))
                .hasMessageContaining("refreshMargin");
        assertThatThrownBy(() -> MobileNodeSettings.defaults().withRefreshMargin(Double.NaN))
                .hasMessageContaining("refreshMargin");
        assertThatThrownBy(() -> MobileNodeSettings.defaults().withShutdownTimeout(Duration.ofSeconds(-1)))
                .hasMessageContaining("shutdownTimeout");
        assertThatThrownBy(() -> MobileNodeSettings.defaults().withHomeAgentEndpoint(new InetSocketAddress("192.0.2.1", 0)))
                .hasMessageContaining("4191");
        assertThatThrownBy(() -> MobileNodeSettings.defaults().withWant(null)).hasMessageContaining("want");
    }

    private static final InetSocketAddress HA4 = new InetSocketAddress("192.0.2.1", 4191);
    private static final InetSocketAddress HA4_OTHER = new InetSocketAddress("198.51.100.1", 4191);
    private static final InetSocketAddress HA6 = new InetSocketAddress("2001:db8:1::1", 4191);
    private static final InetSocketAddress HA6_OTHER = new InetSocketAddress("2001:db8:9::1", 4191);

    @Test
    void theBuildersDefaultsAreTheDefaults() {
        assertThat(MobileNodeSettings.builder().build()).isEqualTo(MobileNodeSettings.defaults());
        assertThat(MobileNodeSettings.defaults().toBuilder().build()).isEqualTo(MobileNodeSettings.defaults());
    }

    @Test
    void everyBuilderSetterSetsItsOwnValue() {
        Ipv6Address ha = Ipv6Address.parse("2001:db8:1::1");
        Ipv6Address hoa = Ipv6Address.parse("2001:db8:1::100");
        MobileNodeSettings s = MobileNodeSettings.builder()
                .homeAgent(ha)
                .homeAgentEndpoints(List.of(HA6, HA4))
                .homeAddress(hoa)
                .want(BootstrapRequest.Want.PREFIX_ONLY)
                .ipv4HomeAddress(true)
                .requestedLifetime(Duration.ofSeconds(120))
                .initialBindAckTimeoutFirstReg(Duration.ofSeconds(2))
                .initialBindAckTimeout(Duration.ofMillis(500))
                .maxBindAckTimeout(Duration.ofSeconds(8))
                .maxUpdatesPerSecond(2)
                .giveUpAfterRetransmissions(0)
                .refreshMargin(0.5)
                .shutdownTimeout(Duration.ofSeconds(3))
                .initialSequence(SequenceNumber.of(65535))
                .build();
        assertThat(s.homeAgent()).contains(ha);
        assertThat(s.homeAgentEndpoints()).containsExactly(HA6, HA4);
        assertThat(s.homeAddress()).contains(hoa);
        assertThat(s.want()).isEqualTo(BootstrapRequest.Want.PREFIX_ONLY);
        assertThat(s.ipv4HomeAddress()).isTrue();
        assertThat(s.requestedLifetime()).isEqualTo(Duration.ofSeconds(120));
        assertThat(s.initialBindAckTimeoutFirstReg()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.initialBindAckTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(s.maxBindAckTimeout()).isEqualTo(Duration.ofSeconds(8));
        assertThat(s.maxUpdatesPerSecond()).isEqualTo(2);
        assertThat(s.giveUpAfterRetransmissions()).isZero();
        assertThat(s.refreshMargin()).isEqualTo(0.5);
        assertThat(s.shutdownTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(s.initialSequence()).contains(SequenceNumber.of(65535));
        assertThat(s.toBuilder().build()).isEqualTo(s);
    }

    @Test
    void theBuilderChecksAsTheWithersDo() {
        assertThatThrownBy(() -> MobileNodeSettings.builder().requestedLifetime(Duration.ofSeconds(3)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("requestedLifetime must be between 4 s (one unit) and 262140 s (0xFFFF units of 4 s, "
                        + "RFC 6275 §6.1.7), got 3 s");
        assertThatThrownBy(() -> MobileNodeSettings.builder().initialBindAckTimeout(Duration.ZERO).build())
                .hasMessage("initialBindAckTimeout must be positive, got PT0S");
        assertThatThrownBy(() -> MobileNodeSettings.builder().maxBindAckTimeout(Duration.ofSeconds(1)).build())
                .hasMessage("maxBindAckTimeout (PT1S) must be at least initialBindAckTimeout (PT1S) and "
                        + "initialBindAckTimeoutFirstReg (PT1.5S): it caps the doubling back-off that starts there");
        assertThatThrownBy(() -> MobileNodeSettings.builder().maxUpdatesPerSecond(0).build())
                .hasMessage("maxUpdatesPerSecond must be at least 1 (RFC 6275 MAX_UPDATE_RATE is 3), got 0");
        assertThatThrownBy(() -> MobileNodeSettings.builder().giveUpAfterRetransmissions(-1).build())
                .hasMessage("giveUpAfterRetransmissions must be 0 (never give up) or more, got -1");
        assertThatThrownBy(() -> MobileNodeSettings.builder().refreshMargin(1).build())
                .hasMessage("refreshMargin is the fraction of the granted lifetime left when the mobile node "
                        + "refreshes; it must lie strictly between 0 and 1, got 1.0");
        assertThatThrownBy(() -> MobileNodeSettings.builder().shutdownTimeout(Duration.ofSeconds(-1)).build())
                .hasMessage("shutdownTimeout must not be negative, got PT-1S");
        assertThatThrownBy(() -> MobileNodeSettings.builder().want(null).build())
                .hasMessage("mobile node setting want is required");
        assertThatThrownBy(() -> MobileNodeSettings.builder().requestedLifetime(null).build())
                .hasMessage("mobile node setting requestedLifetime is required");
        assertThatThrownBy(() -> MobileNodeSettings.builder().homeAgentEndpoint(new InetSocketAddress("::1", 0))
                .build())
                .hasMessageStartingWith("homeAgentEndpoint needs a port (RFC 5555 uses 4191), got ");
    }

    @Test
    void aSettingsValueIsEqualToAnotherWithTheSameValues() {
        MobileNodeSettings a = MobileNodeSettings.builder().homeAgentEndpoint(HA4).refreshMargin(0.5).build();
        MobileNodeSettings b = MobileNodeSettings.defaults().withRefreshMargin(0.5).withHomeAgentEndpoint(HA4);
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(b.withRefreshMargin(0.4));
        assertThat(a).isNotEqualTo(b.withHomeAgentEndpoint(HA4_OTHER));
        assertThat(a.toString()).contains("homeAgentEndpoints=[" + HA4 + "]").contains("refreshMargin=0.5");
    }

    @Test
    void withersKeepEveryOtherValue() {
        MobileNodeSettings s = MobileNodeSettings.builder().homeAgent(Ipv6Address.parse("2001:db8:1::1"))
                .homeAgentEndpoints(List.of(HA6, HA4)).maxUpdatesPerSecond(2).initialSequence(SequenceNumber.of(9))
                .build();
        MobileNodeSettings changed = s.withRequestedLifetime(Duration.ofSeconds(120));
        assertThat(changed.requestedLifetime()).isEqualTo(Duration.ofSeconds(120));
        assertThat(changed.withRequestedLifetime(s.requestedLifetime())).isEqualTo(s);
        assertThat(s.withHomeAddress(null)).isEqualTo(s);
        assertThat(s.withHomeAgentEndpoints(List.of()).homeAgentEndpoints()).isEmpty();
        assertThat(s.withHomeAgentEndpoints(List.of()).maxUpdatesPerSecond()).isEqualTo(2);
    }

    @Test
    void oneEndpointPerAddressFamilyIsAccepted() {
        assertThat(MobileNodeSettings.builder().homeAgentEndpoints(List.of(HA4, HA6)).build().homeAgentEndpoints())
                .containsExactly(HA4, HA6);
        assertThat(MobileNodeSettings.builder().homeAgentEndpoint(HA6).homeAgentEndpoint(HA4).build()
                .homeAgentEndpoints()).containsExactly(HA6, HA4);
    }

    @Test
    void withHomeAgentEndpointAddsTheOtherFamilyAndReplacesTheSameFamily() {
        MobileNodeSettings both = MobileNodeSettings.defaults().withHomeAgentEndpoint(HA4).withHomeAgentEndpoint(HA6);
        assertThat(both.homeAgentEndpoints()).containsExactly(HA4, HA6);
        assertThat(both.withHomeAgentEndpoint(HA4_OTHER).homeAgentEndpoints()).containsExactly(HA4_OTHER, HA6);
        assertThat(both.withHomeAgentEndpoint(HA6_OTHER).homeAgentEndpoints()).containsExactly(HA4, HA6_OTHER);
    }

    @Test
    void twoIpv4EndpointsAreRefused() {
        assertThatThrownBy(() -> MobileNodeSettings.builder().homeAgentEndpoints(List.of(HA4, HA4_OTHER)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most one endpoint per address family");
    }

    @Test
    void twoIpv6EndpointsAreRefused() {
        assertThatThrownBy(() -> MobileNodeSettings.defaults().withHomeAgentEndpoints(List.of(HA6, HA4, HA6_OTHER)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most one endpoint per address family");
    }

    @Test
    void anUnresolvedEndpointIsRefusedBecauseItHasNoAddressFamily() {
        assertThatThrownBy(() -> MobileNodeSettings.defaults()
                .withHomeAgentEndpoint(InetSocketAddress.createUnresolved("ha.example", 4191)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unresolved");
    }

    @Test
    void aNullEndpointIsRefused() {
        assertThatThrownBy(() -> MobileNodeSettings.defaults().withHomeAgentEndpoint(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("List.of()");
        List<InetSocketAddress> withNull = new ArrayList<>();
        withNull.add(null);
        assertThatThrownBy(() -> MobileNodeSettings.builder().homeAgentEndpoints(withNull).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("null");
        assertThatThrownBy(() -> MobileNodeSettings.builder().homeAgentEndpoints(null).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("homeAgentEndpoints");
    }

    @Test
    void theEndpointListCannotBeChangedFromOutside() {
        List<InetSocketAddress> given = new ArrayList<>(List.of(HA4));
        MobileNodeSettings.Builder b = MobileNodeSettings.builder().homeAgentEndpoints(given);
        given.add(HA4_OTHER);
        MobileNodeSettings s = b.build();
        assertThat(s.homeAgentEndpoints()).containsExactly(HA4);
        assertThatThrownBy(() -> s.homeAgentEndpoints().add(HA6)).isInstanceOf(UnsupportedOperationException.class);
    }
}
