package org.mip6kit.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.mip6kit.daemon.CapturingProviderNetwork;
import org.mip6kit.daemon.CapturingTransport;
import org.mip6kit.daemon.PacketCapture;
import org.mip6kit.engine.BindingRecord;
import org.mip6kit.engine.EngineEvent;
import org.mip6kit.engine.ExecutorScheduler;
import org.mip6kit.engine.HomeAgentEngine;
import org.mip6kit.engine.HomeAgentSettings;
import org.mip6kit.engine.MobileNodeEngine;
import org.mip6kit.engine.MobileNodeSettings;
import org.mip6kit.inject.ProviderSelection;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.DemoConfiguration;
import org.mip6kit.spi.HomePrefix;
import org.mip6kit.spi.Placement;
import org.mip6kit.spi.ProviderConfigException;
import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.spi.SecurityProviderFactory;
import org.mip6kit.spi.SignallingTransport;
import org.mip6kit.spi.TransportFactory;
import org.mip6kit.transport.UdpTransport;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv4Address;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityHeaderFormatException;
import org.mip6kit.wire.MobilityMessage;
import org.mip6kit.wire.MobilityOptionCodec;
import org.mip6kit.wire.MobilityOptionRegistry;
import org.mip6kit.wire.packet.MobilityPacket;
import org.mip6kit.wire.packet.MobilityPacketParser;
import org.mip6kit.wire.pcap.PcapReader;
import org.mip6kit.wire.pcap.PcapRecord;

/**
 * The story {@code mip6kit demo} tells, with a real {@link HomeAgentEngine} and
 * {@link MobileNodeEngine} in this JVM, real UDP sockets on loopback and the selected provider,
 * configured with the sections of its own {@link DemoConfiguration}:
 * <ol>
 * <li>bootstrap and home registration from an IPv6 care-of address;</li>
 * <li>a move to an IPv4 care-of address (RFC 5555: IPv4 Care-of Address option, F flag), which
 *     the home agent sees arrive from 127.0.0.1 and so reports a NAT;</li>
 * <li>a refresh, driven by the home agent's Binding Refresh Advice (it grants at most
 *     {@value #MAX_LIFETIME_SECONDS} s and advises a refresh half-way);</li>
 * <li>the binding cache as a table;</li>
 * <li>return home: deregistration.</li>
 * </ol>
 * Each step checks what it expects (the acknowledgement, the home agent's binding) and waits a
 * bounded time; anything else is a {@link DemoFailure}. The addresses inside the packets are
 * documentation addresses; only the sockets are real, on {@code ::1} and {@code 127.0.0.1}.
 * The pcap is written from the home agent's sockets, so each datagram appears once, as a
 * capture on the loopback interface would show it.
 */
final class DemoScenario {

    static final Ipv6Address HOME_AGENT = DemoConfiguration.HOME_AGENT;
    static final HomePrefix HOME_PREFIX = DemoConfiguration.HOME_PREFIX;
    static final Ipv6Address HOME_ADDRESS = DemoConfiguration.HOME_ADDRESS;
    static final Ipv6Address IPV6_CARE_OF = Ipv6Address.parse("2001:db8:2::100");
    static final Ipv4Address IPV4_CARE_OF = Ipv4Address.parse("192.0.2.100");
    static final long MAX_LIFETIME_SECONDS = 8;
    static final Duration MAX_LIFETIME = Duration.ofSeconds(MAX_LIFETIME_SECONDS);
    static final Duration REQUESTED_LIFETIME = Duration.ofSeconds(600);
    static final double REFRESH_ADVICE_RATIO = 0.5;

    /** How long one registration step may take: a few retransmissions' worth on loopback. */
    static final Duration STEP_TIMEOUT = Duration.ofSeconds(5);
    /** The refresh comes after the advised interval (4 s); this bounds the wait for it. */
    static final Duration REFRESH_TIMEOUT = MAX_LIFETIME.plusSeconds(4);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(2);
    private static final int SAME_PORT_ATTEMPTS = 20;

    private final ProviderSelection provider;
    private final DemoConfiguration configuration;
    private final DemoPrivateDirectory credentials;
    private final Path pcap;
    private final DemoConsole console;
    private final MobilityOptionRegistry options;
    private final Clock clock = Clock.systemUTC();

    /**
     * @param provider the selected provider
     * @param configuration the provider's demo configuration (supported)
     * @param credentials the private directory it wrote its credentials into; removed before the summary
     * @param pcap where the capture goes (overwritten)
     * @param console where the lines go
     * @param options the option registry with the provider's codecs, as the console has it
     */
    DemoScenario(ProviderSelection provider, DemoConfiguration configuration, DemoPrivateDirectory credentials,
                 Path pcap, DemoConsole console, MobilityOptionRegistry options) {
        this.provider = provider;
        this.configuration = configuration;
        this.credentials = credentials;
        this.pcap = pcap;
        this.console = console;
        this.options = options;
    }

    /** The standard options plus the provider's own. */
    static MobilityOptionRegistry optionsOf(SecurityProviderFactory factory) {
        MobilityOptionRegistry registry = MobilityOptionRegistry.standard();
        for (MobilityOptionCodec<?> codec : factory.optionCodecs()) {
            registry = registry.with(codec);
        }
        return registry;
    }

    /** Runs the story; everything it opened is closed when it returns or throws. */
    void run() throws DemoFailure {
        SecurityProviderFactory factory = provider.factory();
        String name = provider.descriptor().name();
        List<AutoCloseable> opened = new ArrayList<>();
        MobileNodeEngine mn = null;
        HomeAgentEngine ha = null;
        PacketCapture capture = null;
        try {
            console.line("mip6kit demo: a mobile node registers with its home agent, moves from IPv6 to IPv4, "
                    + "refreshes and comes home.");
            boolean ownsChannel = provider.descriptor().placement() == org.mip6kit.spi.Placement.OWNS_CHANNEL;
            console.line(ownsChannel
                    ? "Both run in this JVM and talk over the provider's own channel on loopback; the addresses inside "
                            + "the messages are documentation addresses."
                    : "Both run in this JVM and talk RFC 5555 UDP over loopback; the addresses inside the "
                            + "packets are documentation addresses.");
            console.line("");
            console.line(String.format("%-11s%s %s (%s), from %s", "provider", name, provider.descriptor().version(),
                    provider.descriptor().placement(), provider.source()));

            capture = open(() -> PacketCapture.open(pcap, clock), "the pcap file " + pcap);
            ExecutorScheduler haScheduler = new ExecutorScheduler("demo-ha", 2);
            ExecutorScheduler mnScheduler = new ExecutorScheduler("demo-mn", 2);
            opened.add(() -> haScheduler.shutdown(CLOSE_TIMEOUT));
            opened.add(() -> mnScheduler.shutdown(CLOSE_TIMEOUT));

            UdpTransport[] haSockets = openSamePort();
            opened.add(haSockets[0]);
            opened.add(haSockets[1]);
            UdpTransport mn6 = openUdp(loopback6(), 0);
            opened.add(mn6);
            UdpTransport mn4 = openUdp(loopback4(), 0);
            opened.add(mn4);
            InetSocketAddress ha6 = haSockets[0].localAddress();
            InetSocketAddress ha4 = haSockets[1].localAddress();

            ConfigSection haSection = ConfigSection.of("security." + name, null, configuration.homeAgentSection());
            ConfigSection mnSection = ConfigSection.of("security." + name, null, configuration.mobileNodeSection());
            List<String> files = open(credentials::describeFiles, "the list of files in " + credentials);
            console.line(String.format("%-11s%s wrote fresh credentials into %s (%s): %s", "keys", name, credentials,
                    DemoPrivateDirectory.PERMISSIONS, files.isEmpty() ? "no files" : String.join(", ", files)));

            MobilityHeaderCodec codec = new MobilityHeaderCodec(options);
            DemoLoopbackLinks haLinks = DemoLoopbackLinks.homeAgent(
                    new DemoTap(DemoConsole.Side.HA, new CapturingTransport(haSockets[0], ha6, capture), ha6, codec,
                            console),
                    new DemoTap(DemoConsole.Side.HA, new CapturingTransport(haSockets[1], ha4, capture), ha4, codec,
                            console));
            DemoLoopbackLinks mnLinks = DemoLoopbackLinks.mobileNode(
                    new DemoTap(DemoConsole.Side.MN, mn6, mn6.localAddress(), codec, console),
                    new DemoTap(DemoConsole.Side.MN, mn4, mn4.localAddress(), codec, console));

            HomeAgentSettings haSettings = HomeAgentSettings.builder(HOME_AGENT, HOME_PREFIX).maxLifetime(MAX_LIFETIME)
                    .refreshAdviceRatio(REFRESH_ADVICE_RATIO).maxBindings(1000).shutdownTimeout(CLOSE_TIMEOUT).build();
            MobileNodeSettings mnSettings = MobileNodeSettings.defaults()
                    .withHomeAgent(HOME_AGENT)
                    .withHomeAddress(HOME_ADDRESS)
                    .withHomeAgentEndpoint(ha6)
                    .withHomeAgentEndpoint(ha4)
                    .withRequestedLifetime(REQUESTED_LIFETIME)
                    .withGiveUpAfterRetransmissions(3)
                    .withShutdownTimeout(CLOSE_TIMEOUT);
            // Sockets a provider opens of its own (a channel, a raw socket) are real ones too.
            org.mip6kit.transport.SocketProviderNetwork network = new org.mip6kit.transport.SocketProviderNetwork();
            opened.add(network);
            try {
                // The home agent's provider sockets are captured too, so a provider's own channel is in the pcap.
                ha = HomeAgentEngine.builder().provider(factory, haSection).settings(haSettings)
                        .transports(once(haLinks)).network(new CapturingProviderNetwork(network, capture))
                        .clock(clock).scheduler(haScheduler)
                        .listener(console.listener(DemoConsole.Side.HA)).build();
                mn = MobileNodeEngine.builder().provider(factory, mnSection).settings(mnSettings)
                        .transports(once(mnLinks)).network(network).clock(clock).scheduler(mnScheduler)
                        .listener(console.listener(DemoConsole.Side.MN)).careOfAddress(IPV6_CARE_OF).build();
            } catch (ProviderConfigException e) {
                throw new DemoFailure("the provider " + name + " refused the demo's configuration: " + e.getMessage(),
                        e);
            }
            console.line(DemoConsole.Side.HA, HOME_AGENT + ", home prefix " + HOME_PREFIX + ", max lifetime "
                    + MAX_LIFETIME_SECONDS + "s (refresh advised half-way), udp " + DemoConsole.describe(ha6)
                    + " and " + DemoConsole.describe(ha4));
            console.line(DemoConsole.Side.MN, "home address " + HOME_ADDRESS + ", asks for " + REQUESTED_LIFETIME
                    .toSeconds() + "s, udp " + DemoConsole.describe(mn6.localAddress()) + " (IPv6 link) and "
                    + DemoConsole.describe(mn4.localAddress()) + " (IPv4 link)");

            ha.start();

            console.heading("1. bootstrap and home registration from IPv6 care-of address " + IPV6_CARE_OF);
            await(mn.start(), STEP_TIMEOUT, "bootstrap and home registration");
            expectBinding(ha, IPV6_CARE_OF, "after the home registration");

            Ipv6Address ipv4CareOf = Ipv6Address.ipv4Mapped(IPV4_CARE_OF);
            console.heading("2. the mobile node moves to an IPv4-only network: care-of address " + IPV4_CARE_OF
                    + " (RFC 5555)");
            mnLinks.attachIpv4();
            await(mn.moveTo(ipv4CareOf), STEP_TIMEOUT, "the move to " + IPV4_CARE_OF);
            expectBinding(ha, ipv4CareOf, "after the move");

            console.heading("3. refresh: the home agent granted " + MAX_LIFETIME_SECONDS + "s and advised a refresh "
                    + "half-way; waiting for it");
            int mark = console.eventCount();
            int refreshed = console.await(DemoConsole.Side.HA, EngineEvent.Kind.BINDING_REFRESHED, mark,
                    REFRESH_TIMEOUT, "the refresh (home agent: binding refreshed)");
            console.await(DemoConsole.Side.MN, EngineEvent.Kind.REGISTRATION_ACCEPTED, refreshed, STEP_TIMEOUT,
                    "the refresh (mobile node: registration accepted)");
            expectBinding(ha, ipv4CareOf, "after the refresh");

            console.heading("4. the home agent's binding cache");
            printBindings(ha, name);

            console.heading("5. the mobile node returns home: deregistration");
            mnLinks.attachIpv6();
            await(mn.returnHome(), STEP_TIMEOUT, "the deregistration");
            if (ha.bindingCount() != 0) {
                throw new DemoFailure("after the deregistration the home agent still holds " + ha.bindingCount()
                        + " binding(s)");
            }
            int holds = ha.replayHoldCount();
            console.line(DemoConsole.Side.HA, "binding cache: empty (" + holds + (holds == 1 ? " entry" : " entries")
                    + " kept for replay protection)");

            mn.close();
            mn = null;
            ha.close();
            ha = null;
            console.muteEngines();
            capture.close();
            summarise(capture, ha6.getPort(), ownsChannel);
        } catch (SecurityProviderException e) {
            throw new DemoFailure(e.getMessage(), e);
        } finally {
            console.muteEngines();
            if (mn != null) {
                mn.close();
            }
            if (ha != null) {
                ha.close();
            }
            for (int i = opened.size() - 1; i >= 0; i--) {
                closeQuietly(opened.get(i));
            }
            if (capture != null) {
                capture.close();
            }
        }
    }

    // ------------------------------------------------------------------ steps

    private static <T> T await(CompletionStage<T> stage, Duration timeout, String step) throws DemoFailure {
        try {
            return stage.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new DemoFailure(step + ": no Binding Acknowledgement within " + DemoConsole.seconds(timeout));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new DemoFailure(step + " failed: " + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoFailure(step + ": interrupted");
        }
    }

    private static void expectBinding(HomeAgentEngine ha, Ipv6Address careOf, String when) throws DemoFailure {
        Optional<BindingRecord> binding = ha.binding(HOME_ADDRESS).filter(BindingRecord::isBound);
        if (binding.isEmpty()) {
            throw new DemoFailure(when + " the home agent holds no binding for " + HOME_ADDRESS);
        }
        if (!binding.get().careOfAddress().equals(careOf)) {
            throw new DemoFailure(when + " the home agent binds " + HOME_ADDRESS + " to "
                    + DemoConsole.display(binding.get().careOfAddress()) + ", not " + DemoConsole.display(careOf));
        }
    }

    private void printBindings(HomeAgentEngine ha, String providerName) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"HOME ADDRESS", "CARE-OF ADDRESS", "IDENTITY", "LIFETIME LEFT", "SEQUENCE",
                "PROVIDER"});
        Instant now = clock.instant();
        for (BindingRecord b : ha.bindings()) {
            long left = Math.max(0, Duration.between(now, b.expiresAt()).toSeconds());
            rows.add(new String[] {b.homeAddress().toString(), DemoConsole.display(b.careOfAddress()),
                    b.identity().toString(), left + "s of " + b.lifetime(), b.sequence().toString(), providerName});
        }
        int[] width = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder(" ".repeat(11));
            for (int i = 0; i < row.length; i++) {
                line.append(i == row.length - 1 ? row[i] : String.format("%-" + (width[i] + 2) + "s", row[i]));
            }
            console.line(line.toString().stripTrailing());
        }
        if (rows.size() == 1) {
            console.line(" ".repeat(11) + "(no bindings)");
        }
    }

    /** The pcap's name, what is in it (read back from the file) and how to look at it. */
    private void summarise(PacketCapture capture, int homeAgentPort, boolean ownsChannel) throws DemoFailure {
        int updates = 0;
        int acknowledgements = 0;
        int other = 0;
        try (PcapReader reader = new PcapReader(capture.file())) {
            for (PcapRecord r : reader.readAll()) {
                MobilityMessage m;
                try {
                    MobilityPacket packet = MobilityPacketParser.parse(r.packet());
                    m = new MobilityHeaderCodec(options).decode(packet.mobilityHeader(), packet.pseudoHeaderSource(),
                            packet.pseudoHeaderDestination());
                } catch (MobilityHeaderFormatException e) {
                    other++;
                    continue;
                }
                if (m instanceof BindingUpdate) {
                    updates++;
                } else if (m instanceof BindingAcknowledgement) {
                    acknowledgements++;
                } else {
                    other++;
                }
            }
        } catch (IOException e) {
            throw new DemoFailure("the pcap file " + pcap + " cannot be read back: " + e.getMessage(), e);
        }
        console.heading("done");
        console.line(String.format("%-11s%s: %d packets, %d Binding Updates and %d Binding Acknowledgements%s, "
                        + "as the home agent's sockets saw them", "pcap", pcap, capture.packetsWritten(), updates,
                acknowledgements, other == 0 ? "" : " and " + other + " other"));
        if (ownsChannel) {
            console.line(String.format("%-11sthe provider's own channel is protected, so its datagrams are counted as "
                    + "other; read it with: tshark -r %s", "", pcap));
        } else {
            console.line(String.format("%-11sread it with: tshark -r %s -d udp.port==%d,ipv6   (add -V for every "
                    + "field)", "", pcap, homeAgentPort));
        }
        credentials.close();
        console.line(String.format("%-11s%s %s", "keys", credentials.exists() ? "could not remove" : "removed",
                credentials));
    }

    // ------------------------------------------------------------------ sockets

    /** The home agent's two sockets, {@code [::1]:P} and {@code 127.0.0.1:P}, on one free port P. */
    private static UdpTransport[] openSamePort() throws DemoFailure {
        SecurityProviderException last = null;
        for (int attempt = 0; attempt < SAME_PORT_ATTEMPTS; attempt++) {
            UdpTransport ipv6 = openUdp(loopback6(), 0);
            try {
                return new UdpTransport[] {ipv6, UdpTransport.open(new UdpTransport.Config(loopback4(),
                        ipv6.localAddress().getPort(), 0))};
            } catch (SecurityProviderException e) {
                ipv6.close();
                last = e;
            }
        }
        throw new DemoFailure("no UDP port is free on both ::1 and 127.0.0.1 after " + SAME_PORT_ATTEMPTS
                + " tries: " + last.getMessage(), last);
    }

    private static UdpTransport openUdp(InetAddress address, int port) throws DemoFailure {
        try {
            return UdpTransport.open(new UdpTransport.Config(address, port, 0));
        } catch (SecurityProviderException e) {
            throw new DemoFailure(e.getMessage() + (address.getAddress().length == 16 ? "; the demo needs the IPv6 "
                    + "loopback address ::1 (is IPv6 disabled on this host?)" : ""), e);
        }
    }

    private static InetAddress loopback6() {
        return literal(Ipv6Address.parse("::1").toBytes());
    }

    private static InetAddress loopback4() {
        return literal(new byte[] {127, 0, 0, 1});
    }

    private static InetAddress literal(byte[] octets) {
        try {
            return InetAddress.getByAddress(octets);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 or 16 octets are always an address", e);
        }
    }

    /** A factory that hands out {@code transport}, already open, exactly once. */
    private static TransportFactory once(SignallingTransport transport) {
        AtomicBoolean taken = new AtomicBoolean();
        return () -> {
            if (!taken.compareAndSet(false, true)) {
                throw new SecurityProviderException("the demo's transport was asked for twice");
            }
            return transport;
        };
    }

    private interface Opener<T> {
        T open() throws IOException;
    }

    private static <T> T open(Opener<T> opener, String what) throws DemoFailure {
        try {
            return opener.open();
        } catch (IOException e) {
            throw new DemoFailure("cannot create " + what + ": " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // closing is best effort; the failure that matters was already reported
        }
    }

    /** For messages: the placement decides whether the demo's taps see the signalling. */
    static boolean engineTransportCarriesSignalling(ProviderSelection selection) {
        return selection.descriptor().placement() != Placement.OWNS_CHANNEL;
    }
}
