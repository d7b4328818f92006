package org.mip6kit.provider.auth4285;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.spi.BindingChange;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.Verdict;
import org.mip6kit.wire.Lifetime;

/**
 * The record the home agent side keeps with each binding in a durable home agent: the replay
 * memory of the owner's associations, so a Binding Update captured before a restart and replayed
 * after it (inside the timestamp window) is still refused.
 */
@Tag("small")
class BindingRecordTest {

    private static final Instant T0 = Parties.TV3_TIME;

    private static BindingChange created(String nai) {
        return new BindingChange(BindingChange.Kind.CREATED, Identity.nai(nai), Parties.HOME_ADDRESS, Optional.empty(),
                Parties.CARE_OF, Lifetime.ofUnits(150), Optional.empty(), false);
    }

    @Test
    void replayCapturedBeforeARestartIsRefusedByTheRestartedHomeAgent() throws Exception {
        Parties before = Parties.at(T0);
        byte[] captured = before.mobileNodeSends(Parties.tv3Update(), Parties.fromCareOf());
        assertThat(before.homeAgentJudges(captured, Parties.fromCareOf())).isInstanceOf(Verdict.Accept.class);
        byte[] record = before.homeAgent.bindingRecord(created(Parties.NAI));
        assertThat(record).isNotNull();
        assertThat(record[0]).isEqualTo(HomeAgentSide.RECORD_VERSION);

        Parties restarted = Parties.at(T0.plusSeconds(2));
        restarted.homeAgent.restoreBinding(Identity.nai(Parties.NAI), Parties.HOME_ADDRESS, record);

        Verdict replayed = restarted.homeAgentJudges(captured, Parties.fromCareOf());
        assertThat(replayed).isInstanceOf(Verdict.Drop.class);
        assertThat(((Verdict.Drop) replayed).reason()).contains("replay");
    }

    @Test
    void withoutTheRecordTheRestartedHomeAgentWouldAcceptTheReplay() throws Exception {
        Parties before = Parties.at(T0);
        byte[] captured = before.mobileNodeSends(Parties.tv3Update(), Parties.fromCareOf());
        before.homeAgentJudges(captured, Parties.fromCareOf());

        Parties restarted = Parties.at(T0.plusSeconds(2));

        assertThat(restarted.homeAgentJudges(captured, Parties.fromCareOf())).isInstanceOf(Verdict.Accept.class);
    }

    @Test
    void aRecordOfAnotherVersionOrOwnerIsIgnored() throws Exception {
        Parties before = Parties.at(T0);
        byte[] captured = before.mobileNodeSends(Parties.tv3Update(), Parties.fromCareOf());
        before.homeAgentJudges(captured, Parties.fromCareOf());
        byte[] record = before.homeAgent.bindingRecord(created(Parties.NAI));

        Parties restarted = Parties.at(T0.plusSeconds(2));
        byte[] newer = record.clone();
        newer[0] = 2;
        restarted.homeAgent.restoreBinding(Identity.nai(Parties.NAI), Parties.HOME_ADDRESS, newer);
        restarted.homeAgent.restoreBinding(Identity.nai("mn2@example.com"), Parties.HOME_ADDRESS, record);
        restarted.homeAgent.restoreBinding(Identity.nai(Parties.NAI), Parties.HOME_ADDRESS, new byte[] {1, 1, 0});

        assertThat(restarted.homeAgentJudges(captured, Parties.fromCareOf())).isInstanceOf(Verdict.Accept.class);
    }

    @Test
    void anOwnerWithNothingRememberedHasNoRecord() throws Exception {
        Parties p = Parties.at(T0);
        assertThat(p.homeAgent.bindingRecord(created(Parties.NAI))).isNull();
        p.time.advance(Duration.ofSeconds(1));
        assertThat(p.homeAgent.bindingRecord(created("nobody@example.com"))).isNull();
    }

    @Test
    void aRecordHoldsOnlyTheOwnersAssociationsThatRememberSomethingInTheVersionOneLayout() throws Exception {
        // The owner has two associations (SPI 256, which the node uses, and 257, which never
        // sent); another node's row sits between them.
        Map<String, Object> keys = Map.of("keys", List.of(
                Map.of("nai", Parties.NAI, "spi", Parties.SPI, "key", Parties.KEY),
                Map.of("nai", "mn2@example.com", "spi", 300L, "key", Parties.KEY),
                Map.of("nai", Parties.NAI, "spi", 257L, "key", Parties.KEY)));
        Parties before = Parties.at(T0, keys, Duration.ZERO);
        byte[] captured = before.mobileNodeSends(Parties.tv3Update(), Parties.fromCareOf());
        assertThat(before.homeAgentJudges(captured, Parties.fromCareOf())).isInstanceOf(Verdict.Accept.class);

        byte[] record = before.homeAgent.bindingRecord(created(Parties.NAI));

        // version (1) | count (1) | SPI (4) | floor (8) | 2 remembered timestamps (8 each)
        assertThat(record).hasSize(2 + 4 + 8 + 2 * 8);
        ByteBuffer b = ByteBuffer.wrap(record);
        assertThat(b.get()).isEqualTo(HomeAgentSide.RECORD_VERSION);
        assertThat(b.get()).as("associations").isEqualTo((byte) 1);
        assertThat(b.getInt() & 0xFFFF_FFFFL).as("SPI").isEqualTo(Parties.SPI);
        assertThat(b.getLong()).as("floor: nothing forgotten yet").isEqualTo(Long.MIN_VALUE);
        long first = b.getLong();
        long second = b.getLong();
        assertThat(List.of(first, second)).as("the accepted timestamp and one empty place")
                .containsExactlyInAnyOrder(Long.MIN_VALUE, Math.max(first, second));
        assertThat(Math.max(first, second)).isNotEqualTo(Long.MIN_VALUE);
        assertThat(before.homeAgent.bindingRecord(created("mn2@example.com"))).as("mn2 never sent").isNull();

        Parties restarted = Parties.at(T0.plusSeconds(2), keys, Duration.ZERO);
        restarted.homeAgent.restoreBinding(Identity.nai(Parties.NAI), Parties.HOME_ADDRESS, record);
        assertThat(restarted.homeAgentJudges(captured, Parties.fromCareOf())).isInstanceOf(Verdict.Drop.class);
    }
}
