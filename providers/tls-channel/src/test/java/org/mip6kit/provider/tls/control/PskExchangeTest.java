package org.mip6kit.provider.tls.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.OptionalInt;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("small")
class PskExchangeTest {

    private final Fixtures f = new Fixtures();

    @Test
    void nodeAndControllerCompleteAPskExchange() {
        HacExchange hac = f.hac();
        MnExchange mn = Fixtures.mn();
        HacReply initResp = hac.onMessage(Fixtures.wire(mn.start()));
        assertThat(initResp.closeAfter()).isFalse();
        assertThat(initResp.status()).isEqualTo(StatusCode.CONTINUE);
        MnStep.Send done = (MnStep.Send) mn.onMessage(Fixtures.wire(initResp.message()));
        assertThat(done.message().identifier()).isEqualTo(2);
        HacReply doneResp = hac.onMessage(Fixtures.wire(done.message()));
        assertThat(doneResp.status()).isEqualTo(StatusCode.OK);
        assertThat(doneResp.closeAfter()).isTrue();
        assertThat(hac.isClosed()).isTrue();
        MnStep.Provisioned p = (MnStep.Provisioned) mn.onMessage(Fixtures.wire(doneResp.message()));
        assertThat(p.assignment()).isEqualTo(f.outcome);
        assertThat(f.provisioned).singleElement().satisfies(r -> {
            assertThat(r.mnId()).isEqualTo(Fixtures.MN_ID);
            assertThat(r.acceptableSuites()).containsExactly("AES_128_CBC_SHA256", "AES_128_CBC_SHA");
            assertThat(r.scope()).isEqualTo(SaScope.SIGNALLING);
        });
    }

    @Test
    void wrongPskIsRefusedWith401AndNothingIsProvisioned() {
        HacExchange hac = f.hac();
        ControlMessage init = Fixtures.init(Fixtures.MN_ID, 1);
        ControlMessage initResp = hac.onMessage(init).message();
        HacReply reply = hac.onMessage(Fixtures.done(init, initResp, Fixtures.bytes(32, 0x22), Fixtures.CB));
        assertThat(reply.status()).isEqualTo(StatusCode.UNAUTHORIZED);
        assertThat(reply.closeAfter()).isTrue();
        assertThat(reply.message().get("auth")).isEmpty();
        assertThat(f.provisioned).isEmpty();
    }

    @Test
    void nodeWithWrongPskRefusesTheControllersAuth() {
        HacExchange hac = f.hac();
        MnExchange mn = Fixtures.mn(Fixtures.MN_ID, Fixtures.bytes(32, 0x22), Fixtures.CB, Fixtures.CLOCK);
        MnStep step = mn.onMessage(hac.onMessage(mn.start()).message());
        assertThat(step).isInstanceOfSatisfying(MnStep.Failed.class, failed -> {
            assertThat(failed.status()).isEqualTo(StatusCode.UNAUTHORIZED);
            assertThat(failed.authenticated()).isFalse();
        });
    }

    @Test
    void unknownNodeIsAnsweredExactlyLikeAWrongKey() {
        HacExchange knownHac = f.hac();
        ControlMessage knownInit = Fixtures.init(Fixtures.MN_ID, 1);
        ControlMessage knownResp = knownHac.onMessage(knownInit).message();
        HacReply knownRefusal = knownHac.onMessage(Fixtures.done(knownInit, knownResp, Fixtures.bytes(32, 0x22), Fixtures.CB));

        HacExchange strangerHac = f.hac();
        ControlMessage strangerInit = Fixtures.init("mn2@example.net", 1); // same length as the known id
        ControlMessage strangerResp = strangerHac.onMessage(strangerInit).message();
        HacReply strangerRefusal = strangerHac.onMessage(
                Fixtures.done(strangerInit, strangerResp, Fixtures.bytes(32, 0x22), Fixtures.CB));

        assertThat(strangerResp.fields()).extracting(ControlMessage.Field::name)
                .containsExactlyElementsOf(knownResp.fields().stream().map(ControlMessage.Field::name).toList());
        assertThat(ControlCodec.encode(strangerResp)).hasSameSizeAs(ControlCodec.encode(knownResp));
        assertThat(ControlCodec.encode(strangerRefusal.message())).isEqualTo(ControlCodec.encode(knownRefusal.message()));
        assertThat(f.provisioned).isEmpty();
    }

    @Test
    void authOverAnotherChannelBindingIsRefusedByTheController() {
        HacExchange hac = f.hac();
        ControlMessage init = Fixtures.init(Fixtures.MN_ID, 1);
        ControlMessage initResp = hac.onMessage(init).message();
        byte[] mitmBinding = Fixtures.bytes(32, 0x66);
        HacReply reply = hac.onMessage(Fixtures.done(init, initResp, Fixtures.PSK, mitmBinding));
        assertThat(reply.status()).isEqualTo(StatusCode.UNAUTHORIZED);
        assertThat(f.provisioned).isEmpty();
    }

    @Test
    void nodeBehindATlsTerminatingMiddleboxRefusesTheControllersAuth() {
        HacExchange hac = f.hac(Fixtures.CB);
        MnExchange mn = Fixtures.mn(Fixtures.MN_ID, Fixtures.PSK, Fixtures.bytes(32, 0x66), Fixtures.CLOCK);
        MnStep step = mn.onMessage(hac.onMessage(mn.start()).message());
        assertThat(step).isInstanceOfSatisfying(MnStep.Failed.class,
                failed -> assertThat(failed.status()).isEqualTo(StatusCode.UNAUTHORIZED));
    }

    @Test
    void doneBeforeInitIsRefusedWith400() {
        HacExchange hac = f.hac();
        HacReply reply = hac.onMessage(ControlMessage.builder(ControlMessageType.DONE, 1).field("mip6-sas", "0").build());
        assertThat(reply.status()).isEqualTo(StatusCode.BAD_REQUEST);
        assertThat(reply.closeAfter()).isTrue();
        assertThat(reply.message().type()).isEqualTo(ControlMessageType.DONE_RESP);
    }

    @Test
    void secondInitIsRefusedWith400() {
        HacExchange hac = f.hac();
        hac.onMessage(Fixtures.init(Fixtures.MN_ID, 1));
        HacReply reply = hac.onMessage(Fixtures.init(Fixtures.MN_ID, 2));
        assertThat(reply.status()).isEqualTo(StatusCode.BAD_REQUEST);
        assertThat(reply.closeAfter()).isTrue();
        assertThat(f.provisioned).isEmpty();
    }

    @Test
    void repeatedIdentifierIsRefusedWith400() {
        HacExchange hac = f.hac();
        ControlMessage init = Fixtures.init(Fixtures.MN_ID, 1);
        ControlMessage initResp = hac.onMessage(init).message();
        ControlMessage done = Fixtures.done(init, initResp, Fixtures.PSK, Fixtures.CB);
        ControlMessage sameIdentifier = new ControlMessage(done.version(), 1, done.type(), done.fields());
        HacReply reply = hac.onMessage(sameIdentifier);
        assertThat(reply.status()).isEqualTo(StatusCode.BAD_REQUEST);
        assertThat(f.provisioned).isEmpty();
    }

    @Test
    void firstIdentifierOtherThanOneIsRefused() {
        HacReply reply = f.hac().onMessage(Fixtures.init(Fixtures.MN_ID, 2));
        assertThat(reply.status()).isEqualTo(StatusCode.BAD_REQUEST);
    }

    @Test
    void aResponseSentByTheNodeIsRefused() {
        HacReply reply = f.hac().onMessage(ControlMessage.builder(ControlMessageType.INIT_RESP, 1)
                .field("status-code", "100").build());
        assertThat(reply.status()).isEqualTo(StatusCode.BAD_REQUEST);
        assertThat(reply.closeAfter()).isTrue();
    }

    @Test
    void eapIsAnsweredNotImplemented() {
        HacReply reply = f.hac().onMessage(ControlMessage.builder(ControlMessageType.INIT, 1).field("mn-id", "a")
                .field("mn-rand", ControlFields.bytesToHex(Fixtures.bytes(32, 1))).field("auth-method", "eap").build());
        assertThat(reply.status()).isEqualTo(StatusCode.NOT_IMPLEMENTED);
    }

    @Test
    void nothingIsAcceptedAfterTheFinalResponse() {
        HacExchange hac = f.hac();
        hac.onMessage(ControlMessage.builder(ControlMessageType.DONE, 1).field("mip6-sas", "0").build());
        assertThrows(IllegalStateException.class, () -> hac.onMessage(Fixtures.init(Fixtures.MN_ID, 2)));
    }

    @Test
    void provisionerRefusalReachesTheNodeAuthenticatedWithRetryAfter() {
        f.outcome = new ProvisioningOutcome.Refusal(StatusCode.SERVICE_UNAVAILABLE, OptionalInt.of(30));
        HacExchange hac = f.hac();
        MnExchange mn = Fixtures.mn();
        MnStep.Send done = (MnStep.Send) mn.onMessage(hac.onMessage(mn.start()).message());
        MnStep step = mn.onMessage(hac.onMessage(done.message()).message());
        assertThat(step).isInstanceOfSatisfying(MnStep.Failed.class, failed -> {
            assertThat(failed.status()).isEqualTo(StatusCode.SERVICE_UNAVAILABLE);
            assertThat(failed.authenticated()).isTrue();
            assertThat(failed.retryAfterSeconds()).hasValue(30);
        });
    }

    @Test
    void nodeRefusesAnAssignmentThatEndedByItsClock() {
        HacExchange hac = f.hac();
        Clock later = Clock.fixed(Fixtures.NOW.plus(Duration.ofDays(1)), ZoneOffset.UTC);
        MnExchange mn = Fixtures.mn(Fixtures.MN_ID, Fixtures.PSK, Fixtures.CB, later);
        MnStep.Send done = (MnStep.Send) mn.onMessage(hac.onMessage(mn.start()).message());
        MnStep step = mn.onMessage(hac.onMessage(done.message()).message());
        assertThat(step).isInstanceOfSatisfying(MnStep.Failed.class, failed -> {
            assertThat(failed.status()).isEqualTo(StatusCode.INTERNAL_ERROR);
            assertThat(failed.reason()).contains("ended");
        });
    }

    @Test
    void nodeRefusesATamperedDoneResp() {
        HacExchange hac = f.hac();
        MnExchange mn = Fixtures.mn();
        MnStep.Send done = (MnStep.Send) mn.onMessage(hac.onMessage(mn.start()).message());
        ControlMessage resp = hac.onMessage(done.message()).message();
        java.util.List<ControlMessage.Field> fields = new java.util.ArrayList<>(resp.fields());
        fields.replaceAll(x -> x.name().equals("mip6-haa-ip6") ? new ControlMessage.Field(x.name(), "2001:db8::666") : x);
        MnStep step = mn.onMessage(new ControlMessage(resp.version(), resp.identifier(), resp.type(), fields));
        assertThat(step).isInstanceOfSatisfying(MnStep.Failed.class,
                failed -> assertThat(failed.status()).isEqualTo(StatusCode.UNAUTHORIZED));
    }

    @Test
    void secretsStayOutOfToStringAndFailures() {
        HacExchange hac = f.hac();
        MnExchange mn = Fixtures.mn();
        ControlMessage init = mn.start();
        HacReply initResp = hac.onMessage(init);
        MnStep.Send done = (MnStep.Send) mn.onMessage(initResp.message());
        HacReply doneResp = hac.onMessage(done.message());
        MnStep provisioned = mn.onMessage(doneResp.message());
        String printed = String.join("|", init.toString(), initResp.toString(), done.toString(), doneResp.toString(),
                provisioned.toString(), new PreSharedKey(Fixtures.PSK).toString(), f.outcome.toString());
        HexFormat hex = HexFormat.of();
        for (byte[] secret : new byte[][] {Fixtures.PSK, Fixtures.MN_IKEY, Fixtures.MN_EKEY, Fixtures.HA_IKEY,
                Fixtures.HA_EKEY}) {
            assertThat(printed).doesNotContainIgnoringCase(hex.formatHex(secret));
        }
        assertThat(printed).doesNotContain(done.message().get("auth").orElseThrow())
                .doesNotContain(doneResp.message().get("auth").orElseThrow());
        assertThat(printed).contains("mip6-mn-to-ha-ikey");
    }
}
