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

    @Test
    void keepsEveryLookupRightWhileRemovalsMoveTheLastRowIntoTheGap() {
        Random rnd = new Random(7);
        BindingCache cache = new BindingCache(1_000, 16);
        Identity who = Identity.nai("a@example.com");
        Map<Ipv6Address, BindingRecord> model = new HashMap<>();
        for (int i = 0; i < 600; i++) {
            Ipv6Address hoa = Ipv6Address.of(0x20010db800010000L, rnd.nextLong());
            BindingRecord r = record(hoa, i, 1_000 + i, who, Optional.empty());
            cache.put(r);
            model.put(hoa, r);
        }
        List<Ipv6Address> order = new ArrayList<>(model.keySet());
        java.util.Collections.shuffle(order, rnd);
        for (Ipv6Address gone : order) {
            cache.remove(gone);
            model.remove(gone);
            assertThat(cache.get(gone)).isNull();
            for (Map.Entry<Ipv6Address, BindingRecord> e : model.entrySet()) {
                assertThat(cache.get(e.getKey())).isEqualTo(e.getValue());
            }
            assertThat(cache.liveCount()).isEqualTo(model.size());
        }
    }

    @Test
    void growsRowsByAQuarterUpToTheMaximumAndFindsEveryEntryAfterwards() {
        BindingCache cache = new BindingCache(1_000, 16);
        Identity who = Identity.nai("a@example.com");
        List<Ipv6Address> keys = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            Ipv6Address hoa = Ipv6Address.of(0x20010db800010000L, i);
            keys.add(hoa);
            int before = cache.rowCapacity();
            assertThat(cache.put(record(hoa, i, 5_000, who, Optional.empty()))).isTrue();
            int after = cache.rowCapacity();
            if (after != before) {
                assertThat(after).isEqualTo(Math.min(1_000, Math.max(before + before / 4, before + 16)));
            }
            assertThat(after).isGreaterThanOrEqualTo(i + 1);
        }
        assertThat(cache.rowCapacity()).isEqualTo(1_000);
        assertThat(cache.put(record(Ipv6Address.of(0x20010db800010000L, 1_000), 1, 5_000, who, Optional.empty())))
                .isFalse();
        for (int i = 0; i < keys.size(); i++) {
            assertThat(cache.get(keys.get(i)).sequence()).isEqualTo(SequenceNumber.of(i));
        }
    }

    @Test
    void storesASharedIpv6OuterEndpointOnceAndReleasesItWithItsLastBinding() {
        BindingCache cache = new BindingCache(10, 10);
        Identity who = Identity.nai("a@example.com");
        Ipv6Address a = Ipv6Address.parse("2001:db8:1::a");
        Ipv6Address b = Ipv6Address.parse("2001:db8:1::b");
        Ipv6Address c = Ipv6Address.parse("2001:db8:1::c");
        InetSocketAddress nat = new InetSocketAddress("2001:db8::64", 4191);
        InetSocketAddress other = new InetSocketAddress("2001:db8::65", 4191);
        cache.put(record(a, 1, 100, who, Optional.of(nat)));
        cache.put(record(b, 1, 100, who, Optional.of(nat)));
        cache.put(record(c, 1, 100, who, Optional.of(other)));
        assertThat(cache.ipv6OuterPeerCount()).isEqualTo(2);
        assertThat(cache.get(b).outerPeer()).containsSame(cache.get(a).outerPeer().orElseThrow());

        cache.put(record(c, 2, 100, who, Optional.of(new InetSocketAddress("192.0.2.1", 4500))));
        assertThat(cache.ipv6OuterPeerCount()).isEqualTo(1);
        cache.remove(a);
        assertThat(cache.ipv6OuterPeerCount()).isEqualTo(1);
        assertThat(cache.get(b).outerPeer()).contains(nat);
        cache.hold(b, 150);
        cache.sweep(200, new ArrayList<>(), new ArrayList<>());
        assertThat(cache.get(b)).isNull();
        assertThat(cache.ipv6OuterPeerCount()).isZero();

        cache.put(record(a, 3, 100, who, Optional.of(other)));
        assertThat(cache.get(a).outerPeer()).contains(other);
        assertThat(cache.ipv6OuterPeerCount()).isEqualTo(1);
    }

    @Test
    void sweepMovesTheExpiryBaseAlongWithTimeAndExpiriesStayExactForYears() {
        BindingCache cache = new BindingCache(10, 10);
        Identity who = Identity.nai("a@example.com");
        Ipv6Address a = Ipv6Address.parse("2001:db8:1::a");
        Ipv6Address b = Ipv6Address.parse("2001:db8:1::b");
        long start = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
        long hour = 3_600_000L;
        long maxLifetime = Lifetime.MAX.seconds() * 1000;
        for (long now = start; now < start + 3 * 365 * 24 * hour; now += 24 * hour + 1) {
            cache.put(record(a, 1, now + maxLifetime, who, Optional.empty()));
            cache.put(record(b, 1, now + hour, who, Optional.empty()));
            cache.hold(b, now + 7_001);
            cache.sweep(now, new ArrayList<>(), new ArrayList<>());
            assertThat(cache.get(a).expiresAt()).isEqualTo(Instant.ofEpochMilli(now + maxLifetime));
            assertThat(cache.get(b).expiresAt()).isEqualTo(Instant.ofEpochMilli(now + 7_001));
            // At least half the window lies ahead of now, so the engine's writes never rebase.
            assertThat(cache.expiryBaseMillis()).isLessThanOrEqualTo(now);
            assertThat(cache.expiryBaseMillis() + BindingCache.EXPIRY_WINDOW_MILLIS - now)
                    .isGreaterThanOrEqualTo(BindingCache.EXPIRY_WINDOW_MILLIS / 2);
        }
    }

    @Test
    void anEarlierExpiryMovesTheBaseBackWithoutChangingOtherExpiries() {
        BindingCache cache = new BindingCache(10, 10);
        Identity who = Identity.nai("a@example.com");
        Ipv6Address a = Ipv6Address.parse("2001:db8:1::a");
        Ipv6Address b = Ipv6Address.parse("2001:db8:1::b");
        long t = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
        long day = 24 * 3_600_000L;
        cache.put(record(a, 1, t + 40 * day, who, Optional.empty()));
        cache.put(record(b, 1, t, who, Optional.empty()));
        assertThat(cache.get(a).expiresAt()).isEqualTo(Instant.ofEpochMilli(t + 40 * day));
        assertThat(cache.get(b).expiresAt()).isEqualTo(Instant.ofEpochMilli(t));
    }

    @Test
    void raisesOnlyExpiriesMoreThanTheWindowOlderThanTheNewestOne() {
        BindingCache cache = new BindingCache(10, 10);
        Identity who = Identity.nai("a@example.com");
        Ipv6Address stale = Ipv6Address.parse("2001:db8:1::a");
        Ipv6Address recent = Ipv6Address.parse("2001:db8:1::b");
        Ipv6Address newest = Ipv6Address.parse("2001:db8:1::c");
        long t = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
        long day = 24 * 3_600_000L;
        cache.put(record(stale, 1, t, who, Optional.empty()));
        cache.put(record(recent, 1, t + 20 * day, who, Optional.empty()));
        cache.put(record(newest, 1, t + 60 * day, who, Optional.empty()));
        assertThat(cache.get(newest).expiresAt()).isEqualTo(Instant.ofEpochMilli(t + 60 * day));
        assertThat(cache.get(recent).expiresAt()).isEqualTo(Instant.ofEpochMilli(t + 20 * day));
        assertThat(cache.get(stale).expiresAt())
                .isEqualTo(Instant.ofEpochMilli(t + 60 * day - BindingCache.EXPIRY_WINDOW_MILLIS));
        List<BindingRecord> expired = new ArrayList<>();
        cache.sweep(t + 11 * day, expired, new ArrayList<>());
        assertThat(expired).extracting(BindingRecord::homeAddress).containsExactly(stale);
    }

    @Test
    void pagesWalkTheLiveBindingsInHomeAddressOrderOnePageAtATime() {
        Random rnd = new Random(7);
        BindingCache cache = new BindingCache(200_000, 16);
        List<Ipv6Address> live = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            Ipv6Address hoa = Ipv6Address.of(rnd.nextLong(), rnd.nextLong());
            cache.put(record(hoa, i & 0xFFFF, 1_000_000, Identity.nai("mn" + (i % 10) + "@example.com"), Optional.empty()));
            if (i % 50 == 0) {
                cache.hold(hoa, 5);
            } else {
                live.add(hoa);
            }
        }
        live.sort(null);
        List<Ipv6Address> walked = new ArrayList<>();
        Ipv6Address after = null;
        while (true) {
            List<BindingRecord> page = cache.page(after, 1000, null);
            assertThat(page).hasSizeLessThanOrEqualTo(1000).allMatch(BindingRecord::isBound);
            if (page.isEmpty()) {
                break;
            }
            page.forEach(r -> walked.add(r.homeAddress()));
            after = page.get(page.size() - 1).homeAddress();
        }
        assertThat(walked).isEqualTo(live);
    }

    @Test
    void pagesKeepOnlyTheBindingsOfTheIdentityAskedFor() {
        BindingCache cache = new BindingCache(100, 16);
        Identity a = Identity.nai("a@example.com");
        Identity b = Identity.nai("b@example.com");
        for (int i = 1; i <= 20; i++) {
            cache.put(record(Ipv6Address.of(0x20010db800010000L, i), i, 1_000, i % 2 == 0 ? a : b, Optional.empty()));
        }
        List<BindingRecord> page = cache.page(Ipv6Address.of(0x20010db800010000L, 10), 3, a::equals);
        assertThat(page).extracting(BindingRecord::homeAddress).containsExactly(
                Ipv6Address.of(0x20010db800010000L, 12), Ipv6Address.of(0x20010db800010000L, 14),
                Ipv6Address.of(0x20010db800010000L, 16));
    }
}
