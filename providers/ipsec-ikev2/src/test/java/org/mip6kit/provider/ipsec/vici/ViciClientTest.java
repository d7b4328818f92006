package org.mip6kit.provider.ipsec.vici;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against a fake charon on a unix socket in a temporary directory (threads: medium). */
@Tag("medium")
class ViciClientTest {
    @TempDir Path dir;
    private ServerSocketChannel server;
    private SocketChannel peer;
    private ViciClient client;
    private final List<ViciPacket> received = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        Path sock = dir.resolve("charon.vici");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(sock));
        client = ViciClient.connect(sock);
        peer = server.accept();
    }

    @AfterEach
    void stop() throws IOException {
        client.close();
        if (peer != null) {
            peer.close();
        }
        server.close();
        Files.deleteIfExists(dir.resolve("charon.vici"));
    }

    /** The fake charon reads one packet. */
    private ViciPacket read() throws IOException {
        ByteBuffer h = ByteBuffer.allocate(4);
        while (h.hasRemaining()) {
            if (peer.read(h) < 0) {
                throw new IOException("eof");
            }
        }
        ByteBuffer b = ByteBuffer.allocate(ViciCodec.checkSegmentLength(h.getInt(0)));
        while (b.hasRemaining()) {
            peer.read(b);
        }
        ViciPacket p = ViciCodec.decodePacket(b.array());
        received.add(p);
        return p;
    }

    private void send(ViciPacket p) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(ViciCodec.encodePacket(p));
        while (b.hasRemaining()) {
            peer.write(b);
        }
    }

    private static <T> T await(CompletionStage<T> s) throws Exception {
        return s.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static Throwable failureOf(CompletionStage<?> s) {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> s.toCompletableFuture().get(10, TimeUnit.SECONDS));
        return e.getCause();
    }

    @Test
    void versionRequestGetsTheResponse() throws Exception {
        CompletionStage<ViciMessage> r = client.request("version", ViciMessage.EMPTY);
        ViciPacket req = read();
        assertThat(req).isEqualTo(ViciPacket.request("version", ViciMessage.EMPTY));
        send(ViciPacket.response(ViciMessage.builder().add("daemon", "charon")
                .add("version", "5.9.14").build()));
        assertThat(await(r).text("version")).contains("5.9.14");
    }

    @Test
    void successNoFailsWithCharonsErrmsg() throws Exception {
        CompletionStage<ViciMessage> r = client.request("load-shared", ViciMessage.builder()
                .add("type", "IKE").addSecret("data", "s3cret-psk").list("owners", "mn").build());
        assertThat(read().message().text("data")).contains("s3cret-psk");
        send(ViciPacket.response(ViciMessage.builder().add("success", "no")
                .add("errmsg", "loading shared key failed").build()));
        Throwable t = failureOf(r);
        assertThat(t).isInstanceOf(ViciCommandException.class)
                .hasMessageContaining("loading shared key failed").hasMessageContaining("load-shared");
        assertThat(((ViciCommandException) t).reason()).isEqualTo(ViciCommandException.Reason.FAILED);
        assertThat(t.toString()).doesNotContain("s3cret");
    }

    @Test
    void cmdUnknownNamesTheCommand() throws Exception {
        CompletionStage<ViciMessage> r = client.request("no-such-cmd", ViciMessage.EMPTY);
        read();
        send(ViciPacket.control(ViciPacketType.CMD_UNKNOWN, null));
        assertThat(failureOf(r)).isInstanceOf(ViciCommandException.class)
                .hasMessageContaining("no-such-cmd");
    }

    @Test
    void listSasCollectsStreamedEventsThenUnregisters() throws Exception {
        List<ViciMessage> sas = new CopyOnWriteArrayList<>();
        CompletionStage<ViciMessage> r = client.request("list-sas", ViciMessage.EMPTY, "list-sa",
                sas::add);
        assertThat(read()).isEqualTo(ViciPacket.control(ViciPacketType.EVENT_REGISTER, "list-sa"));
        send(ViciPacket.control(ViciPacketType.EVENT_CONFIRM, null));
        assertThat(read().name()).isEqualTo("list-sas");
        ViciMessage sa = ViciMessage.builder().section("mip6", ViciMessage.builder()
                .list("local-vips", "2001:db8::5").build()).build();
        send(ViciPacket.event("list-sa", sa));
        send(ViciPacket.event("list-sa", ViciMessage.builder().section("other",
                ViciMessage.EMPTY).build()));
        send(ViciPacket.response(ViciMessage.EMPTY));
        assertThat(read()).isEqualTo(ViciPacket.control(ViciPacketType.EVENT_UNREGISTER, "list-sa"));
        assertThat(r.toCompletableFuture().isDone()).isFalse();
        send(ViciPacket.control(ViciPacketType.EVENT_CONFIRM, null));
        assertThat(await(r)).isEqualTo(ViciMessage.EMPTY);
        assertThat(sas).hasSize(2);
        assertThat(sas.get(0).section("mip6").orElseThrow().list("local-vips"))
                .extracting(ViciValue::text).containsExactly("2001:db8::5");
    }

    @Test
    void registeredEventsReachTheConsumer() throws Exception {
        List<ViciMessage> events = new CopyOnWriteArrayList<>();
        CompletionStage<ViciClient.Subscription> s = client.register("ike-updown", events::add);
        read();
        send(ViciPacket.control(ViciPacketType.EVENT_CONFIRM, null));
        await(s);
        ViciMessage up = ViciMessage.builder().add("up", "yes").build();
        send(ViciPacket.event("ike-updown", up));
        send(ViciPacket.event("child-updown", ViciMessage.EMPTY)); // not subscribed: dropped
        // a request after the events proves they were dispatched (one reader thread, in order)
        CompletionStage<ViciMessage> r = client.request("version", ViciMessage.EMPTY);
        read();
        send(ViciPacket.response(ViciMessage.EMPTY));
        await(r);
        assertThat(events).containsExactly(up);
    }

    @Test
    void eventUnknownFailsTheRegistration() throws Exception {
        CompletionStage<ViciClient.Subscription> s = client.register("no-such-event", m -> { });
        read();
        send(ViciPacket.control(ViciPacketType.EVENT_UNKNOWN, null));
        assertThat(failureOf(s)).isInstanceOf(ViciCommandException.class)
                .hasMessageContaining("no-such-event");
    }

    @Test
    void exchangesAreSentOneAtATime() throws Exception {
        CompletionStage<ViciMessage> a = client.request("version", ViciMessage.EMPTY);
        CompletionStage<ViciMessage> b = client.request("stats", ViciMessage.EMPTY);
        assertThat(read().name()).isEqualTo("version");
        send(ViciPacket.response(ViciMessage.builder().add("n", "1").build()));
        assertThat(read().name()).isEqualTo("stats");
        send(ViciPacket.response(ViciMessage.builder().add("n", "2").build()));
        assertThat(await(a).text("n")).contains("1");
        assertThat(await(b).text("n")).contains("2");
    }

    @Test
    void connectionLossFailsOutstandingRequests() throws Exception {
        CompletionStage<ViciMessage> a = client.request("version", ViciMessage.EMPTY);
        CompletionStage<ViciMessage> b = client.request("stats", ViciMessage.EMPTY);
        read();
        peer.close();
        peer = null;
        assertThat(failureOf(a)).isInstanceOf(ViciException.class);
        assertThat(failureOf(b)).isInstanceOf(ViciException.class);
        assertThat(failureOf(client.request("version", ViciMessage.EMPTY)))
                .isInstanceOf(ViciException.class);
    }

    @Test
    void malformedAnswerFailsTheRequestWithAFormatError() throws Exception {
        CompletionStage<ViciMessage> a = client.request("version", ViciMessage.EMPTY);
        read();
        ByteBuffer bad = ByteBuffer.wrap(new byte[] {0, 0, 0, 2, 1, 9});
        while (bad.hasRemaining()) {
            peer.write(bad);
        }
        assertThat(failureOf(a)).isInstanceOf(ViciFormatException.class);
    }
}
