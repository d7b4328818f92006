package org.mip6kit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.spi.HomeAddressException;
import org.mip6kit.spi.HomePrefix;
import org.mip6kit.spi.Identity;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.SequenceNumber;

/** How long home-address claims last, and when a new lease holder supersedes the previous owner. */
@Tag("small")
class HomeAddressRegistryTest {

    private static final HomePrefix PREFIX = HomePrefix.parse("2001:db8:1::/64");
    private static final Ipv6Address HOA = Ipv6Address.parse("2001:db8:1::100");
    private static final Ipv6Address COA = Ipv6Address.parse("2001:db8:2::5");
    private static final Identity A = Identity.nai("a@example.com");
    private static final Identity B = Identity.nai("b@example.com");

    private final VirtualTime time = new VirtualTime(Instant.parse("2026-12-07T12:00:00Z"));
    private final BindingCache cache = new BindingCache(100, 16);
    private final HomeAddressRegistry registry = new HomeAddressRegistry(List.of(PREFIX), cache, time.clock());

    private void bind(Identity who) {
        cache.put(new BindingRecord(BindingRecord.State.BOUND, HOA, COA, SequenceNumber.of(7), Lifetime.ofUnits(150),
                false, false, who, time.clock().instant().plusSeconds(600), Optional.empty()));
    }

    /** What the engine does at deregistration: the entry becomes a replay hold. */
    private BindingRecord endBinding(Duration hold) {
        return cache.hold(HOA, time.clock().millis() + hold.toMillis());
    }

    @Test
    void anAdoptionWithoutABindingLastsUntilTheProviderReleasesIt() throws Exception {
        registry.adopt(A, HOA);
        time.advance(Duration.ofDays(30));
        assertThat(registry.ownerOf(HOA)).contains(A);
        registry.release(A, HOA);
        assertThat(registry.ownerOf(HOA)).isEmpty();
    }

    @Test
    void anAdoptionEndsWhenItsBindingEndedAndTheReplayHoldHasPassed() throws Exception {
        registry.adopt(A, HOA);
        bind(A);
        endBinding(Duration.ofMinutes(5));
        assertThat(registry.ownerOf(HOA)).as("during the hold").contains(A);

        time.advance(Duration.ofMinutes(6));
        List<BindingRecord> expired = new ArrayList<>();
        List<BindingRecord> forgotten = new ArrayList<>();
        cache.sweep(time.clock().millis(), expired, forgotten);
        forgotten.forEach(registry::forgotten);

        assertThat(forgotten).extracting(BindingRecord::homeAddress).containsExactly(HOA);
        assertThat(registry.ownerOf(HOA)).isEmpty();
        assertThat(registry.claimCount()).isZero();
    }

    @Test
    void anAllocationEndsWithItsBindingsHoldAndTheOwnerGetsAFreshAddressNextTime() throws Exception {
        Ipv6Address first = registry.allocate(A);
        assertThat(registry.allocate(A)).as("idempotent while held").isEqualTo(first);
        cache.put(new BindingRecord(BindingRecord.State.BOUND, first, COA, SequenceNumber.of(1), Lifetime.ofUnits(10),
                false, false, A, time.clock().instant().plusSeconds(40), Optional.empty()));
        BindingRecord ended = cache.hold(first, time.clock().millis());
        registry.forgotten(ended);
        assertThat(registry.claimCount()).isZero();
    }

    @Test
    void aNewLeaseHolderSupersedesTheReplayHoldOfAnEndedBinding() throws Exception {
        registry.adopt(A, HOA);
        bind(A);
        endBinding(Duration.ofMinutes(5));
        registry.release(A, HOA);
        assertThat(registry.ownerOf(HOA)).as("the hold still names A").contains(A);

        registry.adopt(B, HOA);

        assertThat(registry.ownerOf(HOA)).contains(B);
        assertThat(cache.get(HOA)).as("A's sequence number is gone with its hold").isNull();
    }

    @Test
    void anAdoptionIsRefusedWhileAnotherIdentityHasALiveBinding() {
        bind(A);
        HomeAddressException e = assertThrows(HomeAddressException.class, () -> registry.adopt(B, HOA));
        assertThat(e.getMessage()).contains("live binding");
        assertThat(cache.get(HOA).identity()).isEqualTo(A);
    }

    @Test
    void anAdoptionIsRefusedWhileAnotherIdentityStillHoldsALease() throws Exception {
        registry.adopt(A, HOA);
        bind(A);
        endBinding(Duration.ofMinutes(5));
        assertThrows(HomeAddressException.class, () -> registry.adopt(B, HOA));
        assertThat(cache.get(HOA)).as("A's hold is untouched").extracting(BindingRecord::identity).isEqualTo(A);
    }

    @Test
    void aReservationNeverSupersedesAnotherIdentitysHold() {
        bind(A);
        endBinding(Duration.ofMinutes(5));
        assertThrows(HomeAddressException.class, () -> registry.reserve(B, HOA, Duration.ofSeconds(30)));
        assertThat(cache.get(HOA)).as("A's hold is untouched").extracting(BindingRecord::identity).isEqualTo(A);
    }

    @Test
    void aReservationLapsesAfterItsTtl() throws Exception {
        registry.reserve(A, HOA, Duration.ofSeconds(30));
        assertThat(registry.ownerOf(HOA)).contains(A);
        time.advance(Duration.ofSeconds(31));
        registry.expireReservations();
        assertThat(registry.claimCount()).isZero();
        assertThat(registry.ownerOf(HOA)).isEmpty();
    }
}
