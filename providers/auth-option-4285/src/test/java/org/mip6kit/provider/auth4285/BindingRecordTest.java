package org.mip6kit.provider.auth4285;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
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
}
