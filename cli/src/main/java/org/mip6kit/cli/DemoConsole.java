package org.mip6kit.cli;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.mip6kit.daemon.DaemonSettings;
import org.mip6kit.engine.EngineEvent;
import org.mip6kit.engine.EngineEventListener;
import org.mip6kit.spi.Addressing;
import org.mip6kit.wire.AlternateCareOfAddress;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.BindingRefreshAdvice;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv4AddressAcknowledgement;
import org.mip6kit.wire.Ipv4Address;
import org.mip6kit.wire.Ipv4CareOfAddress;
import org.mip6kit.wire.Ipv4HomeAddressRequest;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobileNodeIdentifier;
import org.mip6kit.wire.MobilityMessage;
import org.mip6kit.wire.MobilityOption;
import org.mip6kit.wire.MobilityOptionRegistry;
import org.mip6kit.wire.NatDetection;
import org.mip6kit.wire.UnknownOption;

/**
 * What {@code mip6kit demo} prints: one short line per signalling message a side sends (from
 * {@link DemoTap}) and per engine event worth showing (from the {@link EngineEventListener}s
 * subscribed on both engines), aligned in columns:
 * <pre>
 * MN  -> HA  BU  seq=4711 lifetime=600s flags=AH coa=2001:db8:2::100
 *                udp [::1]:51234 -> [::1]:40123; options: MN-ID mn1@example.com, ...
 * HA         binding created: 2001:db8:1::100 -> 2001:db8:2::100 (nai:mn1@example.com) seq=4711 lifetime=8s
 * </pre>
 * It also keeps every event it was given, so the scenario can wait (bounded) for one.
 * Thread-safe: engines call it from their own threads.
 */
final class DemoConsole {

    /** Which engine a line or event belongs to. */
    enum Side {
        HA("MN"), MN("HA");

        private final String peer;

        Side(String peer) {
            this.peer = peer;
        }

        /** {@code "MN  -> HA  "}: the first column of a line about a message this side sent. */
        String arrow() {
            return String.format("%-4s-> %-4s", name(), peer);
        }

        /** {@code "MN         "}: the first column of a line about this side. */
        String column() {
            return String.format("%-11s", name());
        }
    }

    /** An event as it was received, with the side that emitted it. */
    record Recorded(Side side, EngineEvent event) {
    }

    /** Continuation lines start under the message text. */
    static final String INDENT = " ".repeat(15);

    private final PrintWriter out;
    private final MobilityOptionRegistry options;
    private final boolean showEngineSends;
    private final List<Recorded> events = new ArrayList<>();
    private Ipv6Address mobileNodeCareOf;
    private boolean muted;

    /**
     * @param out where lines go
     * @param options names the options of the selected provider too
     * @param showEngineSends print the mobile node's "registration sent" events, for a provider
     *        that carries signalling on its own channel, where no {@link DemoTap} sees the messages
     */
    DemoConsole(PrintWriter out, MobilityOptionRegistry options, boolean showEngineSends) {
        this.out = out;
        this.options = options;
        this.showEngineSends = showEngineSends;
    }

    /** A line from the demo itself; always printed. */
    synchronized void line(String text) {
        out.println(text);
        out.flush();
    }

    /** A line caused by an engine (an event, a message sent); dropped once the engines are muted. */
    private synchronized void engineLine(String text) {
        if (!muted) {
            line(text);
        }
    }

    /** A line about one side, e.g. {@code HA         2001:db8:1::1 ...}. */
    void line(Side side, String text) {
        line(side.column() + text);
    }

    /** A blank line and a section heading. */
    void heading(String text) {
        line("");
        line("== " + text);
    }

    /** Stops printing what the engines do (they may still emit while they close). */
    synchronized void muteEngines() {
        muted = true;
    }

    // ------------------------------------------------------------------ messages

    /** {@code side} is about to send {@code message} from {@code local} to {@code to.outerPeer()}. */
    void sent(Side side, MobilityMessage message, InetSocketAddress local, Addressing to) {
        List<String> lines = new ArrayList<>();
        if (message instanceof BindingUpdate bu) {
            Ipv6Address homeAddress = to.homeAddressOption().orElse(to.source());
            Ipv6Address careOf = careOf(bu, to);
            boolean deregistration = bu.isLifetimeZero() || careOf.equals(homeAddress);
            lines.add(side.arrow() + "BU  seq=" + bu.sequence() + " lifetime=" + bu.lifetime() + " flags="
                    + bu.flagLetters() + " coa=" + display(careOf)
                    + (deregistration ? " (the home address: deregistration)" : ""));
        } else if (message instanceof BindingAcknowledgement ba) {
            lines.add(side.arrow() + "BA  status=" + ba.status() + " seq=" + ba.sequence() + " lifetime="
                    + ba.lifetime() + (ba.flags().isEmpty() ? "" : " flags=" + ba.flagLetters()));
        } else {
            lines.add(side.arrow() + message.type());
        }
        String path = to.outerPeer().map(peer -> "udp " + describe(local) + " -> " + describe(peer)).orElse("");
        StringJoiner named = new StringJoiner(", ");
        message.options().forEach(o -> named.add(describe(o)));
        lines.add(INDENT + path + (named.length() == 0 ? "" : (path.isEmpty() ? "" : "; ") + "options: " + named));
        message.options().stream().filter(NatDetection.class::isInstance).map(NatDetection.class::cast).findFirst()
                .ifPresent(nat -> lines.add(side.column() + "NAT detected (RFC 5555): the BU came from udp "
                        + to.outerPeer().map(DemoConsole::describe).orElse("?") + ", not from its IPv4 care-of "
                        + "address; keep-alive every " + nat.refreshTimeSeconds() + "s"
                        + (nat.forceUdpEncapsulation() ? ", F set" : "")));
        synchronized (this) {
            lines.forEach(this::engineLine);
        }
    }

    /** {@code side} sent octets that do not decode (printed, never expected). */
    void undecodable(Side side, String problem) {
        engineLine(side.arrow() + "?   " + problem);
    }

    /**
     * The care-of address a Binding Update registers (docs/protocol-notes.md#effective-care-of-address):
     * the Alternate Care-of Address option, then the IPv4 Care-of Address option, then the source.
     */
    static Ipv6Address careOf(BindingUpdate bu, Addressing to) {
        Optional<AlternateCareOfAddress> alternate = bu.option(AlternateCareOfAddress.class);
        if (alternate.isPresent()) {
            return alternate.get().address();
        }
        return bu.option(Ipv4CareOfAddress.class).map(v4 -> Ipv6Address.ipv4Mapped(v4.address()))
                .orElse(to.source());
    }

    private String describe(MobilityOption option) {
        if (option instanceof MobileNodeIdentifier id) {
            return "MN-ID " + (id.isNai() ? id.nai() : "subtype " + id.subtype());
        }
        if (option instanceof Ipv4CareOfAddress v4) {
            return "IPv4 Care-of Address " + v4.address();
        }
        if (option instanceof AlternateCareOfAddress alternate) {
            return "Alternate Care-of Address " + alternate.address();
        }
        if (option instanceof BindingRefreshAdvice advice) {
            return "Binding Refresh Advice " + advice.refreshInterval();
        }
        if (option instanceof NatDetection nat) {
            return "NAT Detection" + (nat.forceUdpEncapsulation() ? " F" : "") + " refresh " + nat.refreshTimeSeconds()
                    + "s";
        }
        if (option instanceof Ipv4HomeAddressRequest request) {
            return "IPv4 Home Address Request " + request.address() + "/" + request.prefixLength();
        }
        if (option instanceof Ipv4AddressAcknowledgement ack) {
            return "IPv4 Address Acknowledgement " + ack.status();
        }
        if (option instanceof UnknownOption unknown) {
            return "option " + unknown.type() + " (" + unknown.data().length + " octets)";
        }
        return options.name(option.type());
    }

    /** An IPv4-mapped care-of address as the IPv4 address it stands for. */
    static String display(Ipv6Address address) {
        return address.isIpv4Mapped() ? address.embeddedIpv4().toString() : address.toString();
    }

    static String describe(InetSocketAddress endpoint) {
        return DaemonSettings.describe(endpoint);
    }

    /** {@code 5s}, or {@code 250ms} below a second. */
    static String seconds(Duration d) {
        return d.compareTo(Duration.ofSeconds(1)) < 0 ? d.toMillis() + "ms" : d.toSeconds() + "s";
    }

    // ------------------------------------------------------------------ events

    /** The listener for {@code side}'s engine. */
    EngineEventListener listener(Side side) {
        return event -> onEvent(side, event);
    }

    private synchronized void onEvent(Side side, EngineEvent event) {
        events.add(new Recorded(side, event));
        String text = format(side, event);
        if (text != null) {
            engineLine(text);
        }
        notifyAll();
    }

    /** The line for an event, or {@code null} for one the demo does not show. Called with the lock held. */
    private String format(Side side, EngineEvent e) {
        String who = e.identity().map(Object::toString).orElse("-");
        String hoa = e.homeAddress().map(Ipv6Address::toString).orElse("-");
        String coa = e.careOfAddress().map(DemoConsole::display).orElse("-");
        String status = e.status().map(s -> "status=" + s + " ").orElse("");
        if (e.kind().isFailure()) {
            return String.format("%-4s%-7s", side.name(), "!!") + e.toLogLine();
        }
        return switch (e.kind()) {
            case BOOTSTRAP_COMPLETED -> {
                mobileNodeCareOf = e.careOfAddress().orElse(null);
                yield side.column() + "bootstrap: " + who + ", home address " + hoa + ", " + tidyEndpoints(e.detail());
            }
            case REGISTRATION_SENT -> showEngineSends ? side.arrow() + "BU  " + e.detail() : null;
            case REGISTRATION_ACCEPTED -> side.column() + "registered: " + status + withoutInstants(e.detail())
                    + ", care-of address " + coa;
            case DEREGISTERED -> side.column() + "deregistered: " + status + e.detail();
            case CARE_OF_CHANGED -> {
                String from = mobileNodeCareOf == null ? "?" : display(mobileNodeCareOf);
                mobileNodeCareOf = e.careOfAddress().orElse(null);
                yield side.column() + "care-of address " + from + " -> " + coa
                        + (e.detail().contains("home link") ? " (back on the home link)" : "");
            }
            case REFRESH_REQUESTED -> side.column() + "refresh requested: " + e.detail();
            case BINDING_CREATED, BINDING_MOVED, BINDING_REFRESHED, BINDING_DELETED, BINDING_EXPIRED ->
                    side.column() + "binding " + e.kind().name().substring("BINDING_".length()).toLowerCase() + ": "
                            + hoa + " -> " + coa + " (" + who + ") " + e.detail();
            case PROVIDER_EVENT -> side.column() + "provider: " + e.detail();
            default -> null;
        };
    }

    private static final Pattern SOCKET_ADDRESS = Pattern.compile("\\S*/\\[?([0-9A-Fa-f:.]+)]?:(\\d+)");

    /** {@code /[0:0:0:0:0:0:0:1]:4191} (InetSocketAddress.toString) as {@code [::1]:4191}. */
    static String tidyEndpoints(String detail) {
        Matcher m = SOCKET_ADDRESS.matcher(detail);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String endpoint;
            try {
                InetAddress address = InetAddress.getByAddress(m.group(1).contains(":")
                        ? Ipv6Address.parse(m.group(1)).toBytes() : Ipv4Address.parse(m.group(1)).toBytes());
                endpoint = describe(new InetSocketAddress(address, Integer.parseInt(m.group(2))));
            } catch (IllegalArgumentException | UnknownHostException e) {
                endpoint = m.group();
            }
            m.appendReplacement(out, Matcher.quoteReplacement(endpoint));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The engine's detail without its absolute times ({@code expires=...}, {@code refresh-at=...}). */
    private static String withoutInstants(String detail) {
        StringJoiner kept = new StringJoiner(" ");
        for (String token : detail.split(" ")) {
            if (!token.startsWith("expires=") && !token.startsWith("refresh-at=")) {
                kept.add(token);
            }
        }
        return kept.toString();
    }

    /** How many events were recorded so far: a mark to wait from. */
    synchronized int eventCount() {
        return events.size();
    }

    /** Every event recorded so far, in order. */
    synchronized List<Recorded> events() {
        return List.copyOf(events);
    }

    /**
     * Waits for the first event of {@code kind} from {@code side} at or after position {@code from}.
     *
     * @return its position
     * @throws DemoFailure when none arrives within {@code timeout}, naming {@code what}
     */
    synchronized int await(Side side, EngineEvent.Kind kind, int from, Duration timeout, String what)
            throws DemoFailure {
        long deadline = System.nanoTime() + timeout.toNanos();
        int i = from;
        while (true) {
            for (; i < events.size(); i++) {
                Recorded r = events.get(i);
                if (r.side() == side && r.event().kind() == kind) {
                    return i;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new DemoFailure(what + ": nothing within " + seconds(timeout));
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DemoFailure(what + ": interrupted");
            }
        }
    }
}
