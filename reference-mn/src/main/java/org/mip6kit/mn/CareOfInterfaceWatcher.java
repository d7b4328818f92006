package org.mip6kit.mn;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.mip6kit.spi.Cancellable;
import org.mip6kit.spi.Scheduler;
import org.mip6kit.wire.Ipv6Address;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows one network interface's addresses and reports when the care-of address should change
 * ({@code mobile-node.care-of.interface}). Polls: Java has no portable address-change
 * notification, and one {@link NetworkInterface} query per interval (one second by default) on
 * the daemon's {@link Scheduler} costs nothing measurable. No thread of its own, no busy loop.
 *
 * <h2>Which address</h2>
 * Only global unicast addresses qualify ({@link CareOfAddresses#asGlobalUnicast}). Among them:
 * <ol>
 * <li>the address chosen at the previous poll, if the interface still has it (an address that
 *     stays is never abandoned because the operating system listed another one first);</li>
 * <li>otherwise the first IPv6 one in the order the operating system lists them;</li>
 * <li>otherwise the first IPv4 one (registered through RFC 5555 with the IPv4 Care-of Address
 *     option).</li>
 * </ol>
 * IPv6 comes first because it needs no NAT traversal and no IPv4 Care-of Address option.
 * Java cannot see whether an IPv6 address is deprecated or still tentative (duplicate address
 * detection), so neither is considered.
 *
 * <h2>When it reports</h2>
 * Only when the chosen address <em>changes</em> between polls, and the new one differs from the
 * engine's current care-of address. So an operator's {@code mn move} to an address not on the
 * interface stands until the interface's addresses change. While the interface is missing, down
 * or has no qualifying address, nothing is reported (the registration stays until it expires or
 * an address returns) and one warning is logged per outage.
 *
 * <p>Thread-safe: polls run on the scheduler one at a time (each schedules the next).
 */
public final class CareOfInterfaceWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("org.mip6kit.mn");

    /** Where the interface's addresses come from: the operating system, or a test's script. */
    @FunctionalInterface
    public interface AddressSource {

        /**
         * The addresses of interface {@code name} in the order the system lists them; empty when
         * there is no such interface or it is down.
         *
         * @throws IOException if the system cannot be asked
         */
        Optional<List<InetAddress>> addresses(String name) throws IOException;

        /** {@link NetworkInterface}: the interface's addresses while it is up. */
        static AddressSource system() {
            return name -> {
                try {
                    NetworkInterface nif = NetworkInterface.getByName(name);
                    if (nif == null || !nif.isUp()) {
                        return Optional.empty();
                    }
                    return Optional.of(Collections.list(nif.getInetAddresses()));
                } catch (SocketException e) {
                    throw new IOException("cannot read the addresses of interface " + name + ": " + e.getMessage(), e);
                }
            };
        }
    }

    private final String interfaceName;
    private final AddressSource source;
    private final Scheduler scheduler;
    private final Duration interval;
    private final Supplier<Ipv6Address> engineCareOf;
    private final Consumer<Ipv6Address> onChange;

    private final Object lock = new Object();
    private Ipv6Address lastChosen;
    private boolean outage;
    private boolean closed;
    private Cancellable next;

    /**
     * @param interfaceName the interface to follow, e.g. {@code wlan0}
     * @param source where its addresses come from
     * @param scheduler runs the polls
     * @param interval time between polls; positive
     * @param initial the care-of address registered at start-up (the first poll compares to it)
     * @param engineCareOf the engine's current care-of address, read at each change
     * @param onChange called (on the scheduler's thread) with the new care-of address
     */
    public CareOfInterfaceWatcher(String interfaceName, AddressSource source, Scheduler scheduler, Duration interval,
                                  Ipv6Address initial, Supplier<Ipv6Address> engineCareOf,
                                  Consumer<Ipv6Address> onChange) {
        this.interfaceName = Objects.requireNonNull(interfaceName, "interfaceName");
        this.source = Objects.requireNonNull(source, "source");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.interval = Objects.requireNonNull(interval, "interval");
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("the poll interval must be positive, got " + interval);
        }
        this.lastChosen = Objects.requireNonNull(initial, "initial");
        this.engineCareOf = Objects.requireNonNull(engineCareOf, "engineCareOf");
        this.onChange = Objects.requireNonNull(onChange, "onChange");
    }

    /**
     * The care-of address {@code name} offers now, by the rules above with no previous choice:
     * what the daemon registers first when {@code care-of.address} is not configured.
     *
     * @throws IOException if the system cannot be asked
     */
    public static Optional<Ipv6Address> currentAddress(AddressSource source, String name) throws IOException {
        return source.addresses(name).flatMap(list -> choose(list, null));
    }

    /**
     * The rule: {@code previous} if still among the qualifying addresses, else the first
     * qualifying IPv6 address, else the first qualifying IPv4 address.
     */
    static Optional<Ipv6Address> choose(List<InetAddress> addresses, Ipv6Address previous) {
        List<Ipv6Address> v6 = new ArrayList<>();
        List<Ipv6Address> v4 = new ArrayList<>();
        for (InetAddress a : addresses) {
            Optional<Ipv6Address> usable = CareOfAddresses.asGlobalUnicast(a);
            if (usable.isEmpty()) {
                continue;
            }
            if (usable.get().equals(previous)) {
                return usable;
            }
            (usable.get().isIpv4Mapped() ? v4 : v6).add(usable.get());
        }
        return v6.isEmpty() ? v4.stream().findFirst() : Optional.of(v6.get(0));
    }

    /** Schedules the first poll one interval from now. */
    public void start() {
        synchronized (lock) {
            if (!closed && next == null) {
                next = scheduler.schedule(interval, this::poll);
            }
        }
    }

    /** Polls once now (also what each scheduled poll does); then schedules the next. */
    void poll() {
        Ipv6Address changedTo = null;
        synchronized (lock) {
            if (closed) {
                return;
            }
            try {
                Optional<List<InetAddress>> addresses = source.addresses(interfaceName);
                Optional<Ipv6Address> chosen = addresses.flatMap(list -> choose(list, lastChosen));
                if (chosen.isEmpty()) {
                    if (!outage) {
                        outage = true;
                        LOG.warn("care-of interface {} {}; keeping care-of address {} until an address appears",
                                interfaceName, addresses.isEmpty() ? "is missing or down" : "has no global unicast address",
                                CareOfAddresses.display(lastChosen));
                    }
                } else {
                    if (outage) {
                        outage = false;
                        LOG.info("care-of interface {} has an address again: {}", interfaceName,
                                CareOfAddresses.display(chosen.get()));
                    }
                    if (!chosen.get().equals(lastChosen)) {
                        lastChosen = chosen.get();
                        if (!chosen.get().equals(engineCareOf.get())) {
                            changedTo = chosen.get();
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("care-of interface {}: {}", interfaceName, e.getMessage());
            }
            next = scheduler.schedule(interval, this::poll);
        }
        if (changedTo != null) {
            LOG.info("care-of interface {} changed address: moving to {}", interfaceName,
                    CareOfAddresses.display(changedTo));
            try {
                onChange.accept(changedTo);
            } catch (RuntimeException e) {
                LOG.warn("moving to {} failed: {}", CareOfAddresses.display(changedTo), e.getMessage());
            }
        }
    }

    /** Stops polling. Idempotent. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            if (next != null) {
                next.cancel();
                next = null;
            }
        }
    }
}
