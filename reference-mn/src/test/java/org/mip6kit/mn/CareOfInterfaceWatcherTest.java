package org.mip6kit.mn;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.engine.VirtualTime;
import org.mip6kit.wire.Ipv6Address;

/**
 * Following {@code care-of.interface}: which address is chosen, and when a change is reported,
 * with a scripted address source on virtual time.
 */
@Tag("small")
class CareOfInterfaceWatcherTest {

    private static final Duration POLL = Duration.ofSeconds(1);

    private final VirtualTime time = new VirtualTime();
    private final AtomicReference<Optional<List<InetAddress>>> interfaceNow = new AtomicReference<>(Optional.empty());
    private final List<Ipv6Address> moves = new ArrayList<>();
    private final AtomicReference<Ipv6Address> engineCareOf = new AtomicReference<>();
    private int polls;

    private CareOfInterfaceWatcher watcher(Ipv6Address initial) {
        engineCareOf.set(initial);
        CareOfInterfaceWatcher.AddressSource source = name -> {
            assertThat(name).isEqualTo("wlan0");
            polls++;
            return interfaceNow.get();
        };
        return new CareOfInterfaceWatcher("wlan0", source, time, POLL, initial, engineCareOf::get, coa -> {
            moves.add(coa);
            engineCareOf.set(coa);
        });
    }

    private void interfaceHas(String... addresses) {
        interfaceNow.set(Optional.of(Arrays.stream(addresses).map(CareOfInterfaceWatcherTest::inet).toList()));
    }

    private static InetAddress inet(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static Ipv6Address coa(String text) {
        return CareOfAddresses.parse(text);
    }

    @Test
    void loopbackLinkLocalAndMulticastAreNeverCareOfAddresses() {
        List<InetAddress> unusable = List.of(inet("::1"), inet("fe80::1"), inet("ff02::1"), inet("127.0.0.1"),
                inet("169.254.1.1"), inet("224.0.0.1"), inet("240.0.0.1"), inet("255.255.255.255"), inet("0.0.0.0"),
                inet("::"), inet("fec0::1"), inet("::192.0.2.1"));
        assertThat(CareOfInterfaceWatcher.choose(unusable, null)).isEmpty();
    }

    @Test
    void theFirstGlobalIpv6AddressWinsOverAnEarlierListedIpv4Address() {
        List<InetAddress> listed = List.of(inet("fe80::1"), inet("192.0.2.10"), inet("2001:db8:2::5"),
                inet("2001:db8:2::6"));
        assertThat(CareOfInterfaceWatcher.choose(listed, null)).contains(coa("2001:db8:2::5"));
    }

    @Test
    void anIpv4AddressIsChosenWhenTheInterfaceHasNoGlobalIpv6Address() {
        List<InetAddress> listed = List.of(inet("fe80::1"), inet("192.0.2.10"));
        assertThat(CareOfInterfaceWatcher.choose(listed, null)).contains(coa("192.0.2.10"));
    }

    @Test
    void theAddressChosenBeforeStaysChosenWhileTheInterfaceStillHasIt() {
        List<InetAddress> listed = List.of(inet("2001:db8:2::5"), inet("192.0.2.10"), inet("2001:db8:2::6"));
        assertThat(CareOfInterfaceWatcher.choose(listed, coa("2001:db8:2::6"))).contains(coa("2001:db8:2::6"));
        assertThat(CareOfInterfaceWatcher.choose(listed, coa("192.0.2.10"))).contains(coa("192.0.2.10"));
    }

    @Test
    void pollsOncePerIntervalAndMovesOnlyWhenTheAddressChanges() {
        interfaceHas("fe80::1", "2001:db8:2::5");
        CareOfInterfaceWatcher w = watcher(coa("2001:db8:2::5"));
        w.start();
        time.advance(Duration.ofMillis(999));
        assertThat(polls).isZero();
        time.advance(Duration.ofSeconds(4).plusMillis(1));     // 5 s after start
        assertThat(polls).isEqualTo(5);
        assertThat(moves).isEmpty();

        interfaceHas("fe80::1", "2001:db8:3::7");        // the node moved to another network
        time.advance(POLL);
        assertThat(moves).containsExactly(coa("2001:db8:3::7"));

        time.advance(Duration.ofSeconds(10));             // nothing changes: no more moves
        assertThat(moves).hasSize(1);
    }

    @Test
    void movesFromIpv6ToIpv4WhenOnlyAnIpv4AddressRemains() {
        interfaceHas("2001:db8:2::5", "192.0.2.10");
        CareOfInterfaceWatcher w = watcher(coa("2001:db8:2::5"));
        w.start();
        time.advance(POLL);
        interfaceHas("192.0.2.10");
        time.advance(POLL);
        assertThat(moves).containsExactly(coa("192.0.2.10"));
    }

    @Test
    void anInterfaceThatDisappearsCausesNoMoveAndItsReturnWithTheSameAddressNeither() {
        interfaceHas("2001:db8:2::5");
        CareOfInterfaceWatcher w = watcher(coa("2001:db8:2::5"));
        w.start();
        interfaceNow.set(Optional.empty());
        time.advance(Duration.ofSeconds(3));
        interfaceHas("fe80::1");                          // up again, no global address yet
        time.advance(Duration.ofSeconds(3));
        interfaceHas("fe80::1", "2001:db8:2::5");
        time.advance(Duration.ofSeconds(3));
        assertThat(moves).isEmpty();
        interfaceHas("fe80::1", "2001:db8:4::1");
        time.advance(POLL);
        assertThat(moves).containsExactly(coa("2001:db8:4::1"));
    }

    @Test
    void anOperatorMoveStandsUntilTheInterfaceChanges() {
        interfaceHas("2001:db8:2::5");
        CareOfInterfaceWatcher w = watcher(coa("2001:db8:2::5"));
        w.start();
        engineCareOf.set(coa("198.51.100.7"));           // `mn move --coa 198.51.100.7`
        time.advance(Duration.ofSeconds(5));
        assertThat(moves).isEmpty();
        interfaceHas("2001:db8:5::9");
        time.advance(POLL);
        assertThat(moves).containsExactly(coa("2001:db8:5::9"));
    }

    @Test
    void noChangeIsReportedWhenTheEngineIsAlreadyThere() {
        interfaceHas("2001:db8:2::5");
        CareOfInterfaceWatcher w = watcher(coa("2001:db8:2::5"));
        w.start();
        engineCareOf.set(coa("2001:db8:6::1"));           // an operator moved ahead of the interface
        interfaceHas("2001:db8:6::1");
        time.advance(POLL);
        assertThat(moves).isEmpty();
    }

    @Test
    void aFailingSystemQueryIsLoggedAndPollingGoesOn() {
        CareOfInterfaceWatcher.AddressSource flaky = new CareOfInterfaceWatcher.AddressSource() {
            int calls;

            @Override
            public Optional<List<InetAddress>> addresses(String name) throws IOException {
                calls++;
                if (calls == 1) {
                    throw new IOException("netlink hiccup");
                }
                return Optional.of(List.of(inet("2001:db8:7::1")));
            }
        };
        CareOfInterfaceWatcher w = new CareOfInterfaceWatcher("wlan0", flaky, time, POLL, coa("2001:db8:2::5"),
                () -> coa("2001:db8:2::5"), moves::add);
        w.start();
        time.advance(Duration.ofSeconds(2));
        assertThat(moves).containsExactly(coa("2001:db8:7::1"));
    }

    @Test
    void closeStopsPolling() {
        interfaceHas("2001:db8:2::5");
        CareOfInterfaceWatcher w = watcher(coa("2001:db8:2::5"));
        w.start();
        time.advance(Duration.ofSeconds(2));
        w.close();
        int before = polls;
        time.advance(Duration.ofSeconds(10));
        assertThat(polls).isEqualTo(before);
        assertThat(time.pendingTasks()).isZero();
    }

    @Test
    void theStartingAddressIsTheInterfacesFirstGlobalOne() throws Exception {
        interfaceHas("::1", "fe80::2", "2001:db8:9::1");
        assertThat(CareOfInterfaceWatcher.currentAddress(name -> interfaceNow.get(), "wlan0"))
                .contains(coa("2001:db8:9::1"));
        interfaceNow.set(Optional.empty());
        assertThat(CareOfInterfaceWatcher.currentAddress(name -> interfaceNow.get(), "wlan0")).isEmpty();
    }
}
