package org.mip6kit.provider.ipsec.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.engine.VirtualTime;
import org.mip6kit.provider.ipsec.charon.Charon;
import org.mip6kit.provider.ipsec.charon.CharonEvent;
import org.mip6kit.provider.ipsec.charon.CharonSession;
import org.mip6kit.provider.ipsec.charon.IkeSa;
import org.mip6kit.provider.ipsec.charon.PoolLease;
import org.mip6kit.provider.ipsec.vici.Vici;
import org.mip6kit.provider.ipsec.vici.ViciCommandException;
import org.mip6kit.provider.ipsec.vici.ViciException;
import org.mip6kit.provider.ipsec.vici.ViciMessage;
import org.mip6kit.transport.InMemoryProviderNetwork;
import org.mip6kit.transport.InMemoryProviderNetwork.Host;

/**
 * The simulated charons behave as two real charons would for the provider: driven only through
 * the typed {@link Charon} commands and {@link CharonSession}, on virtual time, on a network shaped
 * like the kit's deployment.
 */
@Tag("small")
class SimulatedCharonsTest {

    private static final String HA_ADDRESS = "2001:db8:1::1";
    private static final String CARE_OF = "2001:db8:10::5";
    private static final String HA_ID = "ha.example.org";
    private static final String MN_ID = "mn0@example.org";
    private static final byte[] PSK = "correct horse battery staple".getBytes(StandardCharsets.UTF_8);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private VirtualTime time;
    private Host haHost;
    private Host mnHost;
    private SimulatedCharons world;
    private Charon ha;
    private Charon mn;
    private final List<CharonEvent> haEvents = Collections.synchronizedList(new ArrayList<>());
    private final List<CharonEvent> mnEvents = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void deploy() throws Exception {
        time = new VirtualTime();
        InMemoryProviderNetwork net = new InMemoryProviderNetwork(time);
        haHost = net.host("home-agent").iface("eth0", HA_ADDRESS);
        mnHost = net.host("mobile-node-0").iface("eth0", CARE_OF);
        net.tunnel(mnHost, "tun0", haHost, "ipsec1");
        world = new SimulatedCharons(name -> name.equals("home-agent") || name.startsWith("mobile-node-")
                ? Optional.of(net.host(name)) : Optional.empty(), time);
        ha = new Charon(world.connector().connect(SimulatedCharons.socketOf("home-agent")));
        mn = new Charon(world.connector().connect(SimulatedCharons.socketOf("mobile-node-0")));
        listen(ha.vici(), haEvents);
        listen(mn.vici(), mnEvents);
    }

    private void listen(Vici vici, List<CharonEvent> into) {
        for (String name : CharonEvent.NAMES) {
            await(vici.register(name, m -> into.add(CharonEvent.parse(name, m))));
        }
    }

    private void configure(byte[] mnPsk) {
        await(ha.loadPool("homes", "2001:db8:2::/64"));
        await(ha.loadSharedPsk("psk-mn0", PSK, List.of(HA_ID, MN_ID)));
        await(ha.loadConn("mip6-ha", ViciMessage.builder().add("version", "2")
                .list("local_addrs", HA_ADDRESS).list("pools", "homes")
                .section("local", ViciMessage.builder().add("auth", "psk").add("id", HA_ID).build())
                .section("remote", ViciMessage.builder().add("auth", "psk").add("id", "%any").build())
                .section("children", ViciMessage.builder().section("home", ViciMessage.builder()
                        .list("local_ts", "::/0").list("remote_ts", "dynamic").add("mode", "tunnel").build()).build())
                .build()));
        await(mn.loadSharedPsk("psk-ha", mnPsk, List.of(MN_ID, HA_ID)));
        await(mn.loadConn("mip6-mn", ViciMessage.builder().add("version", "2")
                .list("remote_addrs", HA_ADDRESS).list("vips", "::").add("mobike", "yes")
                .section("local", ViciMessage.builder().add("auth", "psk").add("id", MN_ID).build())
                .section("remote", ViciMessage.builder().add("auth", "psk").add("id", HA_ID).build())
                .section("children", ViciMessage.builder().section("home", ViciMessage.builder()
                        .list("local_ts", "dynamic").list("remote_ts", "::/0").add("mode", "tunnel")
                        .add("start_action", "none").build()).build())
                .build()));
    }

    private IkeSa up() {
        configure(PSK);
        await(mn.initiate("home", "mip6-mn", Duration.ofSeconds(5)));
        return await(mn.listSas(Optional.empty())).get(0);
    }

    @Test
    void initiateEstablishesBothSidesWithAVirtualIpFromThePool() throws Exception {
        IkeSa sa = up();

        assertThat(sa.established()).isTrue();
        assertThat(sa.localHost()).isEqualTo(CARE_OF);
        assertThat(sa.remoteHost()).isEqualTo(HA_ADDRESS);
        assertThat(sa.localId()).isEqualTo(MN_ID);
        assertThat(sa.remoteId()).isEqualTo(HA_ID);
        assertThat(sa.localVips()).containsExactly("2001:db8:2::1");
        assertThat(sa.children()).singleElement().satisfies(c -> {
            assertThat(c.installed()).isTrue();
            assertThat(c.mode()).isEqualTo("TUNNEL");
            assertThat(c.localTs()).containsExactly("2001:db8:2::1/128");
            assertThat(c.remoteTs()).containsExactly("::/0");
        });
        IkeSa haSa = await(ha.listSas(Optional.of("mip6-ha"))).get(0);
        assertThat(haSa.remoteVips()).containsExactly("2001:db8:2::1");
        assertThat(haSa.remoteId()).isEqualTo(MN_ID);
        assertThat(haSa.remoteHost()).isEqualTo(CARE_OF);
        assertThat(haSa.children().get(0).remoteTs()).containsExactly("2001:db8:2::1/128");

        assertThat(await(ha.leases())).containsExactly(new PoolLease("homes", "2001:db8:2::1", MN_ID, true));
        assertThat(mnHost.interfaceOf(InetAddress.getByName("2001:db8:2::1"))).contains("tun0");

        assertThat(mnEvents).hasSize(2);
        assertThat(mnEvents.get(0)).isInstanceOfSatisfying(CharonEvent.IkeUpDown.class, e -> {
            assertThat(e.up()).isTrue();
            assertThat(e.sa().localVips()).containsExactly("2001:db8:2::1");
            assertThat(e.sa().children()).isEmpty();
        });
        assertThat(mnEvents.get(1)).isInstanceOfSatisfying(CharonEvent.ChildUpDown.class, e -> {
            assertThat(e.up()).isTrue();
            assertThat(e.sa().children()).singleElement().satisfies(c -> assertThat(c.name()).isEqualTo("home"));
        });
        assertThat(haEvents).hasSize(2);
        assertThat(haEvents.get(0)).isInstanceOfSatisfying(CharonEvent.IkeUpDown.class, e -> {
            assertThat(e.up()).isTrue();
            assertThat(e.sa().remoteVips()).containsExactly("2001:db8:2::1");
        });
        assertThat(await(mn.listConns())).containsExactly("mip6-mn");
    }

    @Test
    void aWrongPskFailsWithCharonsErrmsgAndCreatesNothing() {
        configure("not the right key".getBytes(StandardCharsets.UTF_8));

        Throwable failure = awaitFailure(mn.initiate("home", "mip6-mn", Duration.ofSeconds(5)));

        assertThat(failure).isInstanceOfSatisfying(ViciCommandException.class, e -> {
            assertThat(e.reason()).isEqualTo(ViciCommandException.Reason.FAILED);
            assertThat(e.errmsg()).contains("establishing CHILD_SA 'home' failed");
            assertThat(e.getMessage()).doesNotContain("not the right key").doesNotContain("horse");
        });
        assertThat(await(mn.listSas(Optional.empty()))).isEmpty();
        assertThat(await(ha.listSas(Optional.empty()))).isEmpty();
        assertThat(await(ha.leases())).isEmpty();
        assertThat(mnHost.addresses("tun0")).isEmpty();
        assertThat(mnEvents).isEmpty();
        assertThat(haEvents).isEmpty();
    }

    @Test
    void terminateBringsBothSidesDownAndTheLeaseComesBackOnTheNextInitiate() {
        IkeSa sa = up();
        mnEvents.clear();
        haEvents.clear();

        await(mn.terminateIkeSa(sa.uniqueId(), Duration.ofSeconds(5)));

        for (List<CharonEvent> events : List.of(mnEvents, haEvents)) {
            assertThat(events).hasSize(2);
            assertThat(events.get(0)).isInstanceOfSatisfying(CharonEvent.IkeUpDown.class,
                    e -> assertThat(e.up()).isFalse());
            assertThat(events.get(1)).isInstanceOfSatisfying(CharonEvent.ChildUpDown.class,
                    e -> assertThat(e.up()).isFalse());
        }
        assertThat(await(ha.leases())).containsExactly(new PoolLease("homes", "2001:db8:2::1", MN_ID, false));
        assertThat(mnHost.addresses("tun0")).isEmpty();
        assertThat(await(mn.listSas(Optional.empty()))).isEmpty();
        assertThat(await(ha.listSas(Optional.empty()))).isEmpty();

        await(mn.initiate("home", "mip6-mn", Duration.ofSeconds(5)));
        assertThat(await(mn.listSas(Optional.empty())).get(0).localVips()).containsExactly("2001:db8:2::1");
        assertThat(await(ha.leases())).containsExactly(new PoolLease("homes", "2001:db8:2::1", MN_ID, true));
    }

    @Test
    void terminateOfAnUnknownSaFailsAsCharonDoes() {
        configure(PSK);
        Throwable failure = awaitFailure(mn.terminateIkeSa("42", Duration.ofSeconds(1)));
        assertThat(failure).isInstanceOfSatisfying(ViciCommandException.class,
                e -> assertThat(e.errmsg()).contains("no matching SAs to terminate found"));
    }

    @Test
    void aNewCareOfAddressMovesTheSaWithIkeUpdateOnBothSides() {
        up();
        mnEvents.clear();
        haEvents.clear();
        String newCareOf = "2001:db8:20::7";

        mnHost.iface("eth0", newCareOf);
        mnHost.removeAddress(CARE_OF);
        time.advance(Duration.ofMillis(250));

        assertThat(mnEvents).singleElement().isInstanceOfSatisfying(CharonEvent.IkeUpdate.class, e -> {
            assertThat(e.newLocalHost()).isEqualTo(newCareOf);
            assertThat(e.newRemoteHost()).isEqualTo(HA_ADDRESS);
            assertThat(e.sa().localHost()).isEqualTo(CARE_OF);
        });
        assertThat(haEvents).singleElement().isInstanceOfSatisfying(CharonEvent.IkeUpdate.class, e -> {
            assertThat(e.newRemoteHost()).isEqualTo(newCareOf);
            assertThat(e.newLocalHost()).isEqualTo(HA_ADDRESS);
        });
        assertThat(await(mn.listSas(Optional.empty())).get(0).localHost()).isEqualTo(newCareOf);
        assertThat(await(ha.listSas(Optional.empty())).get(0).remoteHost()).isEqualTo(newCareOf);
        assertThat(mnEvents).hasSize(1);
    }

    @Test
    void aRestartLosesEveryConnectionDownsThePeersSaAndTheSessionReconnectsAfterASecond() throws Exception {
        up();
        mnEvents.clear();
        List<String> reports = Collections.synchronizedList(new ArrayList<>());
        CharonSession session = new CharonSession(world.connector(), SimulatedCharons.socketOf("home-agent"), time,
                new CharonSession.Listener() {
                    @Override
                    public void connected(Charon charon, boolean again) {
                        reports.add("connected again=" + again);
                    }

                    @Override
                    public void lost(String reason) {
                        reports.add("lost");
                    }

                    @Override
                    public void event(CharonEvent event) {
                    }
                });
        await(session.connect());
        time.runDue();
        assertThat(reports).containsExactly("connected again=false");
        CompletableFuture<ViciException> lost = ha.vici().lost().toCompletableFuture();

        world.restart("home-agent");
        time.runDue();

        assertThat(lost).isDone();
        assertThat(reports).containsExactly("connected again=false", "lost");
        assertThat(mnEvents).hasSize(2);
        assertThat(mnEvents.get(0)).isInstanceOfSatisfying(CharonEvent.IkeUpDown.class,
                e -> assertThat(e.up()).isFalse());
        assertThat(mnHost.addresses("tun0")).isEmpty();
        assertThat(await(mn.listSas(Optional.empty()))).isEmpty();
        assertThat(awaitFailure(ha.version())).isInstanceOf(ViciException.class);

        time.advance(Duration.ofMillis(900));
        assertThat(reports).hasSize(2);
        time.advance(Duration.ofMillis(200));
        assertThat(reports).containsExactly("connected again=false", "lost", "connected again=true");
        Charon again = session.current().orElseThrow();
        assertThat(await(again.leases())).isEmpty();
        assertThat(await(again.listConns())).isEmpty();
        session.close();
    }

    @Test
    void anUnknownEventIsRefusedAsEventUnknown() {
        Throwable failure = awaitFailure(mn.vici().register("no-such-event", m -> { }));
        assertThat(failure).isInstanceOfSatisfying(ViciCommandException.class,
                e -> assertThat(e.reason()).isEqualTo(ViciCommandException.Reason.UNKNOWN_EVENT));
    }

    @Test
    void poolAddrsAsAListIsRefusedAsCharonRefusesIt() {
        ViciMessage listForm = ViciMessage.builder().section("homes",
                ViciMessage.builder().list("addrs", "2001:db8:2::/64").build()).build();
        Throwable failure = awaitFailure(ha.vici().request("load-pool", listForm));
        assertThat(failure).isInstanceOfSatisfying(ViciCommandException.class,
                e -> assertThat(e.errmsg()).contains("invalid attribute: addrs"));
    }

    @Test
    void aListKeySentAsAKeyValueIsAnUnknownOption() {
        Throwable failure = awaitFailure(mn.loadConn("bad", ViciMessage.builder()
                .add("remote_addrs", HA_ADDRESS).build()));
        assertThat(failure).isInstanceOfSatisfying(ViciCommandException.class,
                e -> assertThat(e.errmsg()).contains("unknown option: remote_addrs, config discarded"));
    }

    @Test
    void aRequestedVirtualIpIsGivenWhenFreeInThePool() {
        configure(PSK);
        await(mn.loadConn("mip6-mn", ViciMessage.builder().add("version", "2")
                .list("remote_addrs", HA_ADDRESS).list("vips", "2001:db8:2::99")
                .section("local", ViciMessage.builder().add("auth", "psk").add("id", MN_ID).build())
                .section("remote", ViciMessage.builder().add("auth", "psk").add("id", HA_ID).build())
                .section("children", ViciMessage.builder().section("home", ViciMessage.builder()
                        .list("local_ts", "dynamic").list("remote_ts", "::/0").build()).build())
                .build()));
        await(mn.initiate("home", "mip6-mn", Duration.ofSeconds(5)));
        assertThat(await(mn.listSas(Optional.empty())).get(0).localVips()).containsExactly("2001:db8:2::99");
    }

    @Test
    void secretsNeverPrint() {
        configure(PSK);
        assertThat(world.toString()).doesNotContain("horse");
    }

    @Test
    void anUnreachableResponderTimesOutWithCharonsErrmsg() {
        await(mn.loadSharedPsk("psk-ha", PSK, List.of(MN_ID)));
        await(mn.loadConn("nowhere", ViciMessage.builder().list("remote_addrs", "2001:db8:99::1")
                .section("local", ViciMessage.builder().add("auth", "psk").add("id", MN_ID).build())
                .section("remote", ViciMessage.builder().add("auth", "psk").build())
                .section("children", ViciMessage.builder().section("c", ViciMessage.EMPTY).build()).build()));
        CompletableFuture<Void> f = mn.initiate("c", "nowhere", Duration.ofSeconds(3)).toCompletableFuture();
        time.advance(Duration.ofMillis(2900));
        assertThat(f).isNotDone();
        Throwable failure = awaitFailure(f);
        assertThat(failure).isInstanceOfSatisfying(ViciCommandException.class,
                e -> assertThat(e.errmsg()).contains("CHILD_SA 'c' not established after 3000ms"));
    }

    // ---------------------------------------------------------------- helpers

    private <T> T await(CompletionStage<T> stage) {
        CompletableFuture<T> f = stage.toCompletableFuture();
        time.advanceUntil(f::isDone, Duration.ofMillis(100), TIMEOUT);
        assertThat(f).as("completed within %s of virtual time", TIMEOUT).isDone();
        return f.join();
    }

    private Throwable awaitFailure(CompletionStage<?> stage) {
        CompletableFuture<?> f = stage.toCompletableFuture();
        time.advanceUntil(f::isDone, Duration.ofMillis(100), TIMEOUT);
        assertThat(f).isDone();
        CompletionException e = assertThrows(CompletionException.class, f::join);
        return e.getCause();
    }
}
