package org.mip6kit.provider.auth4285;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.HomeAgentSecurity;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.Observed;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.SignallingPath;
import org.mip6kit.spi.Verdict;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.MobileNodeIdentifier;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.SequenceNumber;

/**
 * MN-AAA (RFC 4285 §5.2): the option, the authenticator over SHA1(Mobility Data), and the home
 * agent holding the Binding Update until its {@link AaaClient} answers. The AAA server here is a
 * test double that checks the authenticator with its MN-AAA key; mip6kit ships no AAA client.
 */
@Tag("small")
class MnAaaTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] MN_AAA_KEY = HEX.parseHex("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");
    private static final String DISTRIBUTED_KEY = "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3";
    private static final long DISTRIBUTED_SPI = 0x5000;

    /** A home AAA server double: checks the MN-AAA authenticator, then distributes an MN-HA key. */
    private static final class AaaServerDouble implements AaaClient {
        final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
        final List<CompletableFuture<Answer>> pending = Collections.synchronizedList(new ArrayList<>());

        @Override
        public CompletableFuture<Answer> authenticate(Request request) {
            requests.add(request);
            CompletableFuture<Answer> f = new CompletableFuture<>();
            pending.add(f);
            return f;
        }

        /** Answers the oldest request as a real server would, by checking the authenticator. */
        void answer() {
            Request r = requests.get(requests.size() - pending.size());
            byte[] expected = MnAaaAuthenticator.authenticator(MN_AAA_KEY, r.macMobilityData());
            Answer a = MessageDigest.isEqual(expected, r.authenticator())
                    ? new Answer(true, DISTRIBUTED_SPI, HEX.parseHex(DISTRIBUTED_KEY), Duration.ofMinutes(10))
                    : Answer.refused();
            pending.remove(0).complete(a);
        }
    }

    @Test
    void macMobilityDataIsSha1OfCareOfHomeAddressAndMobilityHeaderUpToTheSpi() throws Exception {
        byte[] mh = mnAaaUpdate(MN_AAA_KEY, Parties.TV3_TIME);
        int at = AuthenticatorLocation.find(mh);
        byte[] covered = java.util.Arrays.copyOf(mh, at + 7);
        covered[4] = 0;
        covered[5] = 0;
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        in.write(Parties.CARE_OF.toBytes());
        in.write(Parties.HOME_ADDRESS.toBytes());
        in.write(covered);
        byte[] independent = MessageDigest.getInstance("SHA-1").digest(in.toByteArray());
        assertThat(MnAaaAuthenticator.macMobilityData(new AuthenticatedAddresses(Parties.CARE_OF,
                Parties.HOME_ADDRESS), mh, at)).isEqualTo(independent);
        assertThat(mh[at + 2]).as("subtype MN-AAA").isEqualTo((byte) 2);
        assertThat(mh[at + 1] & 0xFF).as("SPI and the full 160-bit HMAC-SHA1").isEqualTo(5 + 20);
    }

    @Test
    void homeAgentHoldsTheBindingUpdateUntilTheAaaServerAnswersThenUsesTheDistributedMnHaKey() throws Exception {
        AaaServerDouble server = new AaaServerDouble();
        TestContext ctx = new TestContext(ProviderContext.Role.HOME_AGENT, TestContext.timeAt(Parties.TV3_TIME));
        HomeAgentSecurity ha = new AuthOption4285Provider(server).homeAgent(ctx, ConfigSection.of("s", null,
                Map.of("mn-aaa", true)));
        CapturingTransport t = new CapturingTransport();
        SignallingPath path = ha.path(() -> t);
        path.start(t.delivered::add);

        byte[] mh = mnAaaUpdate(MN_AAA_KEY, Parties.TV3_TIME);
        t.receive(new Inbound(mh, Parties.fromCareOf(), Observed.NOTHING));
        assertThat(t.delivered).as("held until the AAA server answers").isEmpty();
        assertThat(server.requests).hasSize(1);
        AaaClient.Request request = server.requests.get(0);
        assertThat(request.nai()).isEqualTo(Parties.NAI);
        assertThat(request.spi()).isEqualTo(MobilityMessageAuthentication.HMAC_SHA1_SPI);
        assertThat(request.homeAddress()).isEqualTo(Parties.HOME_ADDRESS);
        assertThat(request.careOfAddress()).isEqualTo(Parties.CARE_OF);

        server.answer();
        assertThat(t.delivered).hasSize(1);
        Verdict v = path.verify(t.delivered.get(0), Parties.decode(mh, Parties.fromCareOf())).toCompletableFuture().join();
        assertThat(v).isInstanceOf(Verdict.Accept.class);
        assertThat(((Verdict.Accept) v).identity()).isEqualTo(Identity.nai(Parties.NAI));

        path.send(new BindingAcknowledgement(BindingAckStatus.ACCEPTED, java.util.Set.of(), SequenceNumber.of(2),
                org.mip6kit.wire.Lifetime.ofUnits(150), List.of()), Parties.toCareOf(),
                Optional.of(((Verdict.Accept) v).reply())).toCompletableFuture().join();
        byte[] ba = t.last().octets();
        MobilityMessageAuthentication auth = Parties.decode(ba, Parties.toCareOf())
                .option(MobilityMessageAuthentication.class).orElseThrow();
        assertThat(auth.isMnHa()).as("the BA carries MN-HA, never MN-AAA").isTrue();
        assertThat(auth.spi()).isEqualTo(DISTRIBUTED_SPI);
        assertThat(HomeAgentVerificationTest.independentlyVerified(ba, DISTRIBUTED_KEY, Parties.CARE_OF,
                Parties.HOME_ADDRESS)).isTrue();

        // The next Binding Update uses the distributed MN-HA association.
        ctx.time.advance(Duration.ofSeconds(30));
        SecurityAssociation distributed = HomeAgentVerificationTest.association(Parties.NAI, DISTRIBUTED_SPI,
                DISTRIBUTED_KEY);
        byte[] next = Protection.protect(TestContext.providerCodec(), Parties.tv3Update(),
                MobileNodeIdentifier.nai(Parties.NAI), NtpTimestamp.of(ctx.clock().instant()), distributed,
                new AuthenticatedAddresses(Parties.CARE_OF, Parties.HOME_ADDRESS), Parties.fromCareOf());
        assertThat(path.verify(new Inbound(next, Parties.fromCareOf(), Observed.NOTHING),
                Parties.decode(next, Parties.fromCareOf())).toCompletableFuture().join()).isInstanceOf(Verdict.Accept.class);

        // The distributed association lapses with its lifetime, and its state with it.
        ctx.time.advance(Duration.ofMinutes(10));
        assertThat(ha.perNodeStateCount()).isZero();
    }

    @Test
    void replayedMnAaaBindingUpdateIsDroppedAlthoughTheAaaServerAuthenticatesItAgain() throws Exception {
        AaaServerDouble server = new AaaServerDouble();
        TestContext ctx = new TestContext(ProviderContext.Role.HOME_AGENT, TestContext.timeAt(Parties.TV3_TIME));
        HomeAgentSecurity ha = new AuthOption4285Provider(server).homeAgent(ctx, ConfigSection.of("s", null,
                Map.of("mn-aaa", true)));
        CapturingTransport t = new CapturingTransport();
        SignallingPath path = ha.path(() -> t);
        path.start(t.delivered::add);
        byte[] mh = mnAaaUpdate(MN_AAA_KEY, Parties.TV3_TIME);

        t.receive(new Inbound(mh, Parties.fromCareOf(), Observed.NOTHING));
        server.answer();
        assertThat(path.verify(t.delivered.get(0), Parties.decode(mh, Parties.fromCareOf())).toCompletableFuture().join())
                .isInstanceOf(Verdict.Accept.class);

        ctx.time.advance(Duration.ofSeconds(2));
        t.receive(new Inbound(mh, Parties.fromCareOf(), Observed.NOTHING));
        server.answer();
        assertThat(server.requests).as("the replay reached the AAA server, which cannot tell").hasSize(2);
        Verdict replayed = path.verify(t.delivered.get(1), Parties.decode(mh, Parties.fromCareOf())).toCompletableFuture().join();
        assertThat(replayed).as("the re-distributed association keeps its replay memory")
                .isInstanceOf(Verdict.Drop.class);
        assertThat(((Verdict.Drop) replayed).reason()).contains("replay");
    }

    @Test
    void bindingUpdateTheAaaServerRefusesIsDroppedBecauseNoMnHaKeyCouldProtectAnAnswer() throws Exception {
        AaaServerDouble server = new AaaServerDouble();
        TestContext ctx = new TestContext(ProviderContext.Role.HOME_AGENT, TestContext.timeAt(Parties.TV3_TIME));
        HomeAgentSecurity ha = new AuthOption4285Provider(server).homeAgent(ctx, ConfigSection.of("s", null,
                Map.of("mn-aaa", true)));
        CapturingTransport t = new CapturingTransport();
        SignallingPath path = ha.path(() -> t);
        path.start(t.delivered::add);

        byte[] forged = mnAaaUpdate(HEX.parseHex("000000000000000000000000000000ff"), Parties.TV3_TIME);
        t.receive(new Inbound(forged, Parties.fromCareOf(), Observed.NOTHING));
        server.answer();
        Verdict v = path.verify(t.delivered.get(0), Parties.decode(forged, Parties.fromCareOf())).toCompletableFuture().join();
        assertThat(v).isInstanceOf(Verdict.Drop.class);
        assertThat(((Verdict.Drop) v).reason()).contains("refused");
    }

    /** A Binding Update authenticated with MN-AAA, built and signed here (independently of the provider's signing). */
    private static byte[] mnAaaUpdate(byte[] mnAaaKey, java.time.Instant at) throws Exception {
        var bu = HomeAgentVerificationTest.withOptions(Parties.tv3Update(), List.of(MobileNodeIdentifier.nai(Parties.NAI),
                new MobilityMessageReplayProtection(NtpTimestamp.of(at)),
                MobilityMessageAuthentication.placeholder(2, MobilityMessageAuthentication.HMAC_SHA1_SPI, 20)));
        byte[] mh = TestContext.providerCodec().encodeWithoutChecksum(bu);
        int auth = mh.length - 27;
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        in.write(Parties.CARE_OF.toBytes());
        in.write(Parties.HOME_ADDRESS.toBytes());
        in.write(mh, 0, auth + 7);
        byte[] data = MessageDigest.getInstance("SHA-1").digest(in.toByteArray());
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(mnAaaKey, "HmacSHA1"));
        System.arraycopy(mac.doFinal(data), 0, mh, auth + 7, 20);
        MobilityHeaderCodec.fillChecksum(mh, Parties.HOME_ADDRESS, Parties.HOME_AGENT);
        return mh;
    }
}
