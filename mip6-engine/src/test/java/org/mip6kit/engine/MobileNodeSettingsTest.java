package org.mip6kit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.spi.BootstrapRequest;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.SequenceNumber;

/** MobileNodeSettings: RFC 6275 §12/§13 defaults and the checks that keep an engine from starting with nonsense. */
@Tag("small")
class MobileNodeSettingsTest {

    @Test
    void defaultsAreTheRfcValues() {
        MobileNodeSettings d = MobileNodeSettings.defaults();
        assertThat(d.homeAgent()).isEmpty();
        assertThat(d.homeAgentEndpoint()).isEmpty();
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
}
