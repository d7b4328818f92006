package org.mip6kit.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.engine.ExecutorScheduler;
import org.mip6kit.provider.auth4285.AuthOption4285Provider;
import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.SignallingPath;
import org.mip6kit.spi.SignallingTransport;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityMessage;
import org.mip6kit.wire.SequenceNumber;

/**
 * The client's check of an echoed Binding Update (RFC 4285 §5.1: First96(HMAC_SHA1(key, care-of
 * address | home address | MH Data))), against Binding Updates signed by the provider's own
 * mobile-node side and captured instead of sent. No socket.
 */
@Tag("small")
class EchoAuthenticatorCheckTest {

    private final NodeKeys keys = new NodeKeys(2, new SecureRandom());
    private final AuthOption4285Provider provider = new AuthOption4285Provider();
    private final MobilityHeaderCodec codec = SimulatedNodes.codec(provider);
    private final ExecutorScheduler scheduler = new ExecutorScheduler("echo-check-test", 1);
    private final EchoAuthenticatorCheck check = new EchoAuthenticatorCheck(keys);

    @AfterEach
    void stopScheduler() {
        scheduler.shutdown(Duration.ofSeconds(1));
    }

    /** What node {@code i}'s provider handed to its transport for one Binding Update. */
    private record Signed(byte[] octets, Addressing addressing, MobilityMessage decoded) {
    }

    private Signed signedBy(int i) throws Exception {
        CompletableFuture<Signed> captured = new CompletableFuture<>();
        SignallingTransport capture = new SignallingTransport() {
            @Override
            public void start(Consumer<Inbound> receiver) {
            }

            @Override
            public CompletionStage<Void> send(byte[] octets, Addressing to) {
                try {
                    captured.complete(new Signed(octets, to,
                            codec.decode(octets, to.pseudoHeaderSource(), to.pseudoHeaderDestination())));
                } catch (Exception e) {
                    captured.completeExceptionally(e);
                }
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public void close() {
            }
        };
        org.mip6kit.spi.ProviderContext context = org.mip6kit.spi.StandardProviderContext.builder(
                org.mip6kit.spi.ProviderContext.Role.MOBILE_NODE).clock(java.time.Clock.systemUTC()).scheduler(scheduler)
                .codec(codec).build();
        SignallingPath path = SimulatedNodes.mobileNode(provider, context, keys, i).path(() -> capture);
        path.start(in -> { });
        Addressing to = new Addressing(NodeKeys.careOf(i, 0), NodeKeys.HOME_AGENT, Optional.of(NodeKeys.homeAddress(i)),
                Optional.empty(), Optional.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 4191)));
        path.send(new BindingUpdate(SequenceNumber.of(7), SimulatedNodes.FLAGS, Lifetime.ofSeconds(3600), List.of()),
                to, Optional.empty()).toCompletableFuture().join();
        return captured.join();
    }

    @Test
    void anEchoedBindingUpdateVerifiesWithItsNodesKey() throws Exception {
        Signed bu = signedBy(1);
        assertThat(check.verifies(1, bu.octets(), bu.decoded(), bu.addressing())).isTrue();
    }

    @Test
    void anEchoedBindingUpdateWithItsSequenceNumberChangedDoesNotVerify() throws Exception {
        Signed bu = signedBy(0);
        byte[] altered = bu.octets().clone();
        altered[7] ^= 1; // Sequence Number, low octet (MH offset 6..7)
        assertThat(check.verifies(0, altered, bu.decoded(), bu.addressing())).isFalse();
    }

    @Test
    void anEchoedBindingUpdateDoesNotVerifyForAnotherCareOfAddress() throws Exception {
        Signed bu = signedBy(0);
        Addressing moved = new Addressing(NodeKeys.careOf(0, 1), bu.addressing().destination(),
                bu.addressing().homeAddressOption(), Optional.empty(), bu.addressing().outerPeer());
        assertThat(check.verifies(0, bu.octets(), bu.decoded(), moved)).isFalse();
    }

    @Test
    void anEchoedBindingUpdateDoesNotVerifyAsAnotherNodes() throws Exception {
        Signed bu = signedBy(0);
        assertThat(check.verifies(1, bu.octets(), bu.decoded(), bu.addressing())).isFalse();
    }

    @Test
    void anEchoWithoutTheHomeAddressOptionDoesNotVerify() throws Exception {
        Signed bu = signedBy(0);
        Ipv6Address careOf = bu.addressing().source();
        Addressing bare = new Addressing(careOf, bu.addressing().destination(), Optional.empty(), Optional.empty(),
                bu.addressing().outerPeer());
        assertThat(check.verifies(0, bu.octets(), bu.decoded(), bare)).isFalse();
    }
}
