package org.mip6kit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.spi.HomePrefix;
import org.mip6kit.wire.Ipv6Address;

/** HomeAgentSettings: the defaults, the builder, and the checks that keep a home agent from starting with nonsense. */
@Tag("small")
class HomeAgentSettingsTest {

    private static final Ipv6Address HA = Ipv6Address.parse("2001:db8:1::1");
    private static final HomePrefix PREFIX = HomePrefix.parse("2001:db8:1::/64");
    private static final HomePrefix OTHER_PREFIX = HomePrefix.parse("2001:db8:5::/48");

    private static HomeAgentSettings.Builder builder() {
        return HomeAgentSettings.builder(HA, PREFIX);
    }

    @Test
    void defaultsAreTheDocumentedValues() {
        HomeAgentSettings d = HomeAgentSettings.defaults(HA, PREFIX);
        assertThat(d.homeAgentAddress()).isEqualTo(HA);
        assertThat(d.homePrefixes()).containsExactly(PREFIX);
        assertThat(d.maxLifetime()).isEqualTo(Duration.ofHours(1));
        assertThat(d.refreshAdviceRatio()).isEqualTo(0.8);
        assertThat(d.beforeAckTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(d.replayHold()).isEqualTo(Duration.ofMinutes(5));
        assertThat(d.sequenceNumberHold()).as("outside RFC 6275, off by default").isFalse();
        assertThat(d.maxBindings()).isEqualTo(1_000_000);
        assertThat(d.sweepInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(d.natKeepalive()).isEqualTo(Duration.ofSeconds(110));
        assertThat(d.failureRepliesPerSecond()).isEqualTo(100);
        assertThat(d.failureRepliesPerSourcePerSecond()).isEqualTo(10);
        assertThat(d.failureRepliesPerIdentityPerSecond()).isEqualTo(100);
        assertThat(d.maxHomeAddressesPerIdentity()).isEqualTo(4);
        assertThat(d.failureLogLinesPerSecond()).isEqualTo(10);
        assertThat(d.shutdownTimeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void theBuildersDefaultsAreTheDefaults() {
        assertThat(builder().build()).isEqualTo(HomeAgentSettings.defaults(HA, PREFIX));
        assertThat(HomeAgentSettings.builder(HA, List.of(PREFIX)).build())
                .isEqualTo(HomeAgentSettings.defaults(HA, PREFIX));
        assertThat(HomeAgentSettings.defaults(HA, PREFIX).toBuilder().build())
                .isEqualTo(HomeAgentSettings.defaults(HA, PREFIX));
    }

    @Test
    void everyBuilderSetterSetsItsOwnValue() {
        Ipv6Address other = Ipv6Address.parse("2001:db8:5::1");
        HomeAgentSettings s = builder()
                .homeAgentAddress(other)
                .homePrefixes(PREFIX, OTHER_PREFIX)
                .maxLifetime(Duration.ofMinutes(10))
                .refreshAdviceRatio(0.5)
                .beforeAckTimeout(Duration.ofMillis(750))
                .replayHold(Duration.ofSeconds(90))
                .sequenceNumberHold(true)
                .maxBindings(1000)
                .sweepInterval(Duration.ofSeconds(2))
                .natKeepalive(Duration.ofSeconds(30))
                .failureRepliesPerSecond(5)
                .failureRepliesPerSourcePerSecond(3)
                .failureRepliesPerIdentityPerSecond(2)
                .maxHomeAddressesPerIdentity(9)
                .failureLogLinesPerSecond(0.5)
                .shutdownTimeout(Duration.ofSeconds(12))
                .build();
        assertThat(s.homeAgentAddress()).isEqualTo(other);
        assertThat(s.homePrefixes()).containsExactly(PREFIX, OTHER_PREFIX);
        assertThat(s.maxLifetime()).isEqualTo(Duration.ofMinutes(10));
        assertThat(s.refreshAdviceRatio()).isEqualTo(0.5);
        assertThat(s.beforeAckTimeout()).isEqualTo(Duration.ofMillis(750));
        assertThat(s.replayHold()).isEqualTo(Duration.ofSeconds(90));
        assertThat(s.sequenceNumberHold()).isTrue();
        assertThat(s.maxBindings()).isEqualTo(1000);
        assertThat(s.sweepInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.natKeepalive()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.failureRepliesPerSecond()).isEqualTo(5);
        assertThat(s.failureRepliesPerSourcePerSecond()).isEqualTo(3);
        assertThat(s.failureRepliesPerIdentityPerSecond()).isEqualTo(2);
        assertThat(s.maxHomeAddressesPerIdentity()).isEqualTo(9);
        assertThat(s.failureLogLinesPerSecond()).isEqualTo(0.5);
        assertThat(s.shutdownTimeout()).isEqualTo(Duration.ofSeconds(12));
        assertThat(s.toBuilder().build()).isEqualTo(s);
    }

    @Test
    void withersChangeOnlyTheirOwnValue() {
        HomeAgentSettings s = builder().homePrefixes(PREFIX, OTHER_PREFIX).natKeepalive(Duration.ofSeconds(30)).build();
        assertThat(s.withMaxLifetime(Duration.ofMinutes(2))).isEqualTo(s.toBuilder().maxLifetime(Duration.ofMinutes(2))
                .build());
        assertThat(s.withMaxBindings(7)).isEqualTo(s.toBuilder().maxBindings(7).build());
        assertThat(s.withReplayHold(Duration.ofSeconds(9))).isEqualTo(s.toBuilder().replayHold(Duration.ofSeconds(9))
                .build());
        assertThat(s.withRefreshAdviceRatio(0)).isEqualTo(s.toBuilder().refreshAdviceRatio(0).build());
        assertThat(s.withBeforeAckTimeout(Duration.ofSeconds(1)))
                .isEqualTo(s.toBuilder().beforeAckTimeout(Duration.ofSeconds(1)).build());
        HomeAgentSettings changed = s.withMaxBindings(7);
        assertThat(changed.homePrefixes()).containsExactly(PREFIX, OTHER_PREFIX);
        assertThat(changed.natKeepalive()).isEqualTo(Duration.ofSeconds(30));
        assertThat(changed.maxLifetime()).isEqualTo(s.maxLifetime());
        assertThat(changed.withMaxBindings(s.maxBindings())).isEqualTo(s);
    }

    @Test
    void aSettingsValueIsEqualToAnotherWithTheSameValues() {
        HomeAgentSettings a = builder().maxBindings(10).build();
        HomeAgentSettings b = HomeAgentSettings.defaults(HA, PREFIX).withMaxBindings(10);
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(b.withMaxBindings(11));
        assertThat(a).isNotEqualTo(HomeAgentSettings.builder(HA, PREFIX, OTHER_PREFIX).maxBindings(10).build());
        assertThat(a.toString()).contains("homeAgentAddress=" + HA).contains("maxBindings=10")
                .contains("shutdownTimeout=PT5S");
    }

    @Test
    void theHomePrefixesCannotBeChangedFromOutside() {
        List<HomePrefix> given = new ArrayList<>(List.of(PREFIX));
        HomeAgentSettings.Builder b = HomeAgentSettings.builder(HA, given);
        given.add(OTHER_PREFIX);
        HomeAgentSettings s = b.build();
        assertThat(s.homePrefixes()).containsExactly(PREFIX);
        assertThatThrownBy(() -> s.homePrefixes().add(OTHER_PREFIX)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void anAddressAndAPrefixAreRequired() {
        String message = "a home agent needs its address and at least one home prefix";
        assertThatThrownBy(() -> HomeAgentSettings.builder(null, PREFIX).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
        assertThatThrownBy(() -> HomeAgentSettings.builder(HA).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
        assertThatThrownBy(() -> HomeAgentSettings.builder(HA, List.of()).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
        assertThatThrownBy(() -> builder().homePrefixes((List<HomePrefix>) null).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @Test
    void theMaximumLifetimeIsPositiveAndFitsTheLifetimeField() {
        assertThat(builder().maxLifetime(Duration.ofSeconds(262_140)).build().maxLifetime())
                .isEqualTo(Duration.ofSeconds(262_140));
        assertThatThrownBy(() -> builder().maxLifetime(Duration.ofSeconds(262_141)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxLifetime cannot exceed 262140 s, got PT72H49M1S");
        assertThatThrownBy(() -> builder().maxLifetime(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxLifetime must be a positive duration, got PT0S");
        assertThatThrownBy(() -> builder().maxLifetime(null).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxLifetime must be a positive duration, got null");
    }

    @Test
    void theRefreshAdviceRatioLiesInZeroInclusiveToOneExclusive() {
        assertThat(builder().refreshAdviceRatio(0).build().refreshAdviceRatio()).isZero();
        assertThatThrownBy(() -> builder().refreshAdviceRatio(1).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("refreshAdviceRatio must be in [0, 1), got 1.0");
        assertThatThrownBy(() -> builder().refreshAdviceRatio(-0.1).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("refreshAdviceRatio must be in [0, 1), got -0.1");
    }

    @Test
    void everyDurationMustBePositive() {
        assertThatThrownBy(() -> builder().beforeAckTimeout(Duration.ZERO).build())
                .hasMessage("beforeAckTimeout must be a positive duration, got PT0S");
        assertThatThrownBy(() -> builder().replayHold(Duration.ofSeconds(-1)).build())
                .hasMessage("replayHold must be a positive duration, got PT-1S");
        assertThatThrownBy(() -> builder().sweepInterval(null).build())
                .hasMessage("sweepInterval must be a positive duration, got null");
        assertThatThrownBy(() -> builder().natKeepalive(Duration.ZERO).build())
                .hasMessage("natKeepalive must be a positive duration, got PT0S");
        assertThatThrownBy(() -> builder().shutdownTimeout(Duration.ZERO).build())
                .hasMessage("shutdownTimeout must be a positive duration, got PT0S");
    }

    @Test
    void theCacheHoldsAtLeastOneBinding() {
        assertThatThrownBy(() -> builder().maxBindings(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxBindings must be positive, got 0");
    }

    @Test
    void rateLimitsMustBePositive() {
        assertThatThrownBy(() -> builder().failureRepliesPerSecond(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("rate limits must be positive");
        assertThatThrownBy(() -> builder().failureLogLinesPerSecond(-1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("rate limits must be positive");
        assertThatThrownBy(() -> builder().failureRepliesPerSourcePerSecond(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("rate limits must be positive");
        assertThatThrownBy(() -> builder().failureRepliesPerIdentityPerSecond(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("rate limits must be positive");
    }

    @Test
    void anIdentityMayHoldAtLeastOneHomeAddress() {
        assertThatThrownBy(() -> builder().maxHomeAddressesPerIdentity(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxHomeAddressesPerIdentity must be positive, got 0");
    }

    @Test
    void withersCheckAsTheBuilderDoes() {
        HomeAgentSettings d = HomeAgentSettings.defaults(HA, PREFIX);
        assertThatThrownBy(() -> d.withMaxBindings(0)).hasMessage("maxBindings must be positive, got 0");
        assertThatThrownBy(() -> d.withRefreshAdviceRatio(1)).hasMessageStartingWith("refreshAdviceRatio");
        assertThatThrownBy(() -> d.withMaxLifetime(Duration.ZERO)).hasMessageStartingWith("maxLifetime");
        assertThatThrownBy(() -> d.withReplayHold(Duration.ZERO)).hasMessageStartingWith("replayHold");
        assertThatThrownBy(() -> d.withBeforeAckTimeout(Duration.ZERO)).hasMessageStartingWith("beforeAckTimeout");
    }
}
