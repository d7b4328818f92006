package org.mip6kit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.spi.Addressing;
import org.mip6kit.wire.Ipv6Address;

/** The fixed table of token buckets behind the failure-reply budgets, and the source prefix that keys it. */
@Tag("small")
class TokenBucketTableTest {

    private static final Ipv6Address HA = Ipv6Address.parse("2001:db8:1::1");

    private final VirtualTime time = new VirtualTime();

    @Test
    void theTableHasAPowerOfTwoBucketsAndNeverGrows() {
        assertThat(new TokenBucketTable(time.clock(), 1, 1, 1).buckets()).isEqualTo(1);
        assertThat(new TokenBucketTable(time.clock(), 1, 1, 5).buckets()).isEqualTo(8);
        assertThat(new TokenBucketTable(time.clock(), 1, 1, 4096).buckets()).isEqualTo(4096);
        TokenBucketTable t = new TokenBucketTable(time.clock(), 1, 1, 16);
        for (long key = 0; key < 100_000; key++) {
            t.tryAcquire(key);
        }
        assertThat(t.buckets()).isEqualTo(16);
    }

    @Test
    void aKeyGetsItsBurstThenItsRate() {
        TokenBucketTable t = new TokenBucketTable(time.clock(), 5, 10, 4096);
        int granted = 0;
        for (int i = 0; i < 100; i++) {
            granted += t.tryAcquire(42) ? 1 : 0;
        }
        assertThat(granted).isEqualTo(10);
        time.advance(Duration.ofSeconds(1));
        granted = 0;
        for (int i = 0; i < 100; i++) {
            granted += t.tryAcquire(42) ? 1 : 0;
        }
        assertThat(granted).isEqualTo(5);
    }

    @Test
    void oneKeyUsingUpItsBucketLeavesAnotherKeysBucketFullUnlessTheyShareOne() {
        TokenBucketTable t = new TokenBucketTable(time.clock(), 1, 2, 4096);
        while (t.tryAcquire(1)) {
            // use up key 1
        }
        int full = 0;
        for (long key = 2; key < 102; key++) {
            full += t.tryAcquire(key) ? 1 : 0;
        }
        assertThat(full).as("of 100 other keys, at most a few share key 1's bucket").isGreaterThanOrEqualTo(95);
    }

    @Test
    void refusesANonPositiveRateBurstOrSize() {
        assertThatThrownBy(() -> new TokenBucketTable(time.clock(), 0, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TokenBucketTable(time.clock(), 1, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TokenBucketTable(time.clock(), 1, 1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static Addressing from(String source, InetSocketAddress outer) {
        return new Addressing(Ipv6Address.parse(source), HA, Optional.empty(), Optional.empty(),
                Optional.ofNullable(outer));
    }

    @Test
    void theSourcePrefixIsTheIpv6Slash64OrTheIpv4Slash24OfTheOuterPeer() {
        assertThat(HomeAgentEngine.sourcePrefixOf(from("2001:db8:66::1", null)))
                .isEqualTo(HomeAgentEngine.sourcePrefixOf(from("2001:db8:66::ffff:1", null)))
                .isNotEqualTo(HomeAgentEngine.sourcePrefixOf(from("2001:db8:67::1", null)));
        InetSocketAddress a = new InetSocketAddress("192.0.2.10", 4191);
        InetSocketAddress b = new InetSocketAddress("192.0.2.200", 5000);
        InetSocketAddress c = new InetSocketAddress("192.0.3.10", 4191);
        assertThat(HomeAgentEngine.sourcePrefixOf(from("2001:db8:66::1", a)))
                .as("the outer peer counts, not the inner source")
                .isEqualTo(HomeAgentEngine.sourcePrefixOf(from("2001:db8:77::1", b)))
                .isNotEqualTo(HomeAgentEngine.sourcePrefixOf(from("2001:db8:66::1", c)));
        assertThat(HomeAgentEngine.sourcePrefixOf(from("::ffff:192.0.2.99", null)))
                .as("an IPv4-mapped source is keyed as its /24")
                .isEqualTo(HomeAgentEngine.sourcePrefixOf(from("2001:db8:66::1", a)));
        InetSocketAddress v6 = new InetSocketAddress("2001:db8:99::5", 4191);
        assertThat(HomeAgentEngine.sourcePrefixOf(from("2001:db8:66::1", v6)))
                .isEqualTo(HomeAgentEngine.sourcePrefixOf(from("2001:db8:99::1", null)));
    }
}
