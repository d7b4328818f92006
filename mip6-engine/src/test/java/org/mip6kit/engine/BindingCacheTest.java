package org.mip6kit.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.spi.Identity;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.SequenceNumber;

@Tag("small")
class BindingCacheTest {

    private static BindingRecord record(Ipv6Address hoa, int seq, long expires, Identity who,
                                        Optional<InetSocketAddress> outer) {
        return new BindingRecord(BindingRecord.State.BOUND, hoa, Ipv6Address.of(0x20010db800020000L, seq), SequenceNumber.of(seq),
                Lifetime.ofUnits(seq & 0xFFFF), seq % 2 == 0, seq % 3 == 0, who, Instant.ofEpochMilli(expires), outer);
    }

    @Test
    void behavesLikeAMapUnderRandomInsertsUpdatesHoldsAndRemovals() {
        Random rnd = new Random(42);
        BindingCache cache = new BindingCache(5_000, 16);
        Map<Ipv6Address, BindingRecord> model = new HashMap<>();
        List<Ipv6Address> keys = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            keys.add(Ipv6Address.of(0x20010db800010000L, rnd.nextLong()));
        }
        for (int step = 0; step < 60_000; step++) {
            Ipv6Address k = keys.get(rnd.nextInt(keys.size()));
            int op = rnd.nextInt(10);
            if (op < 6) {
                Optional<InetSocketAddress> outer = rnd.nextBoolean() ? Optional.empty()
                        : Optional.of(new InetSocketAddress(rnd.nextBoolean() ? "192.0.2.7" : "2001:db8::7", rnd.nextInt(65536)));
                BindingRecord r = record(k, rnd.nextInt(65536), rnd.nextInt(1_000_000),
                        Identity.nai("mn" + rnd.nextInt(100) + "@example.com"), outer);
                assertThat(cache.put(r)).isTrue();
                model.put(k, r);
            } else if (op < 8) {
                cache.remove(k);
                model.remove(k);
            } else if (model.containsKey(k)) {
                BindingRecord held = cache.hold(k, 5);
                BindingRecord m = model.get(k);
                model.put(k, new BindingRecord(BindingRecord.State.REPLAY_HOLD, k, m.careOfAddress(), m.sequence(),
                        m.lifetime(), m.mobileRouter(), m.keyManagementMobility(), m.identity(), Instant.ofEpochMilli(5),
                        m.outerPeer()));
                assertThat(held).isEqualTo(model.get(k));
            }
        }
        for (Ipv6Address k : keys) {
            assertThat(cache.get(k)).isEqualTo(model.get(k));
        }
        long live = model.values().stream().filter(BindingRecord::isBound).count();
        assertThat(cache.liveCount()).isEqualTo(live);
        assertThat(cache.holdCount()).isEqualTo(model.size() - live);
        assertThat(cache.liveBindings()).hasSize((int) live);
        assertThat(cache.identityCount()).isEqualTo(model.values().stream().map(BindingRecord::identity).distinct().count());
    }

    @Test
    void refusesNewEntriesBeyondCapacityButStillUpdatesExistingOnes() {
        BindingCache cache = new BindingCache(2, 2);
        Identity who = Identity.nai("a@example.com");
        Ipv6Address a = Ipv6Address.parse("2001:db8:1::a");
        Ipv6Address b = Ipv6Address.parse("2001:db8:1::b");
        Ipv6Address c = Ipv6Address.parse("2001:db8:1::c");
        assertThat(cache.put(record(a, 1, 10, who, Optional.empty()))).isTrue();
        assertThat(cache.put(record(b, 1, 10, who, Optional.empty()))).isTrue();
        assertThat(cache.hasRoomFor(c)).isFalse();
        assertThat(cache.put(record(c, 1, 10, who, Optional.empty()))).isFalse();
        assertThat(cache.put(record(a, 2, 10, who, Optional.empty()))).isTrue();
        assertThat(cache.get(c)).isNull();
    }

    @Test
    void sweepReportsExpiredBindingsAndForgetsLapsedHolds() {
        BindingCache cache = new BindingCache(10, 10);
        Identity who = Identity.nai("a@example.com");
        Ipv6Address a = Ipv6Address.parse("2001:db8:1::a");
        Ipv6Address b = Ipv6Address.parse("2001:db8:1::b");
        cache.put(record(a, 1, 100, who, Optional.empty()));
        cache.put(record(b, 1, 500, who, Optional.empty()));
        cache.hold(b, 200);
        List<BindingRecord> expired = new ArrayList<>();
        List<BindingRecord> forgotten = new ArrayList<>();
        cache.sweep(150, expired, forgotten);
        assertThat(expired).extracting(BindingRecord::homeAddress).containsExactly(a);
        assertThat(forgotten).isEmpty();
        cache.sweep(250, expired, forgotten);
        assertThat(forgotten).extracting(BindingRecord::homeAddress).containsExactly(b);
        assertThat(cache.get(b)).isNull();
        assertThat(cache.identityCount()).isEqualTo(1);
    }

    @Test
    void keepsOuterEndpointsOfBothFamilies() {
        BindingCache cache = new BindingCache(10, 10);
        Identity who = Identity.nai("a@example.com");
        Ipv6Address a = Ipv6Address.parse("2001:db8:1::a");
        Ipv6Address b = Ipv6Address.parse("2001:db8:1::b");
        InetSocketAddress v4 = new InetSocketAddress("198.51.100.9", 65535);
        InetSocketAddress v6 = new InetSocketAddress("2001:db8::9", 4191);
        cache.put(record(a, 1, 10, who, Optional.of(v4)));
        cache.put(record(b, 1, 10, who, Optional.of(v6)));
        assertThat(cache.get(a).outerPeer()).contains(v4);
        assertThat(cache.get(b).outerPeer()).contains(v6);
        cache.put(record(b, 2, 10, who, Optional.empty()));
        assertThat(cache.get(b).outerPeer()).isEmpty();
    }
}
