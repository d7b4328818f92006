package org.mip6kit.provider.ipsec.sim;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An in-memory virtual-IP pool as charon's {@code mem_pool} keeps it: a CIDR subnet (the network
 * id and the last address are not served, and at most 2^31 addresses are) or a range
 * {@code a-b} (every address served), and leases by identity that stay, offline, when their SA
 * goes down, so that the identity gets its address back. Not thread-safe (the world's lock).
 */
final class SimulatedPool {

    private static final int POOL_LIMIT = 31;

    /** One lease. */
    static final class Lease {
        final InetAddress address;
        boolean online;

        Lease(InetAddress address) {
            this.address = address;
        }
    }

    final String name;
    final String spec;
    final InetAddress base;
    private final BigInteger first;
    final long size;
    private final int length;
    /** Leases by identity, in the order they were first made. */
    final Map<String, Lease> leases = new LinkedHashMap<>();

    private SimulatedPool(String name, String spec, InetAddress base, BigInteger first, long size) {
        this.name = name;
        this.spec = spec;
        this.base = base;
        this.first = first;
        this.size = size;
        this.length = base.getAddress().length;
    }

    /** Parses {@code addrs} (a subnet, a range or one address); empty if charon would not. */
    static Optional<SimulatedPool> parse(String name, String addrs) {
        try {
            int dash = addrs.indexOf('-');
            if (dash > 0) {
                InetAddress a = literal(addrs.substring(0, dash).trim());
                InetAddress b = literal(addrs.substring(dash + 1).trim());
                BigInteger from = number(a);
                BigInteger to = number(b);
                if (a.getAddress().length != b.getAddress().length || to.compareTo(from) < 0) {
                    return Optional.empty();
                }
                return Optional.of(new SimulatedPool(name, addrs, a, from, to.subtract(from).longValue() + 1));
            }
            int slash = addrs.indexOf('/');
            InetAddress a = literal(slash < 0 ? addrs.trim() : addrs.substring(0, slash).trim());
            int addrBits = a.getAddress().length * 8;
            int prefix = slash < 0 ? addrBits : Integer.parseInt(addrs.substring(slash + 1).trim());
            int hostBits = Math.min(POOL_LIMIT, addrBits - Math.max(0, Math.min(prefix, addrBits)));
            long size = 1L << hostBits;
            BigInteger from = number(a);
            BigInteger diff = from.and(BigInteger.ONE.shiftLeft(hostBits).subtract(BigInteger.ONE));
            if (size > 2) {
                if (diff.signum() == 0) {
                    from = from.add(BigInteger.ONE);
                    size--;
                } else {
                    size -= diff.longValue();
                }
                size--;
            } else if (diff.signum() != 0) {
                size--;
            }
            return Optional.of(new SimulatedPool(name, addrs, a, from, size));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code a} is one of the addresses served. */
    boolean contains(InetAddress a) {
        if (a.getAddress().length != length) {
            return false;
        }
        BigInteger n = number(a);
        return n.compareTo(first) >= 0 && n.subtract(first).compareTo(BigInteger.valueOf(size)) < 0;
    }

    boolean isIpv6() {
        return length == 16;
    }

    long online() {
        return leases.values().stream().filter(l -> l.online).count();
    }

    long offline() {
        return leases.size() - online();
    }

    /**
     * Leases an address to {@code identity} (charon's order: its own earlier lease; the requested
     * address if served and nobody's; the first never leased; the oldest offline lease of another
     * identity) and marks it online. Empty if the pool is exhausted.
     */
    Optional<InetAddress> acquire(String identity, Optional<InetAddress> requested) {
        Lease own = leases.get(identity);
        if (own != null) {
            own.online = true;
            return Optional.of(own.address);
        }
        if (requested.isPresent() && contains(requested.get()) && !leased(requested.get())) {
            return Optional.of(lease(identity, requested.get()));
        }
        for (long i = 0; i < size && i <= leases.size(); i++) {
            InetAddress a = address(first.add(BigInteger.valueOf(i)));
            if (!leased(a)) {
                return Optional.of(lease(identity, a));
            }
        }
        for (Map.Entry<String, Lease> e : leases.entrySet()) {
            if (!e.getValue().online) {
                InetAddress a = e.getValue().address;
                leases.remove(e.getKey());
                return Optional.of(lease(identity, a));
            }
        }
        return Optional.empty();
    }

    /** The lease of {@code identity} at {@code address} goes offline (kept for a reconnection). */
    void release(String identity, InetAddress address) {
        Lease l = leases.get(identity);
        if (l != null && l.address.equals(address)) {
            l.online = false;
        }
    }

    private InetAddress lease(String identity, InetAddress a) {
        Lease l = new Lease(a);
        l.online = true;
        leases.put(identity, l);
        return a;
    }

    private boolean leased(InetAddress a) {
        return leases.values().stream().anyMatch(l -> l.address.equals(a));
    }

    private InetAddress address(BigInteger n) {
        byte[] raw = n.toByteArray();
        byte[] out = new byte[length];
        int copy = Math.min(raw.length, length);
        System.arraycopy(raw, raw.length - copy, out, length - copy, copy);
        try {
            return InetAddress.getByAddress(out);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static BigInteger number(InetAddress a) {
        return new BigInteger(1, a.getAddress());
    }

    /** An address literal (never a name lookup). */
    static InetAddress literal(String text) {
        if (!text.contains(":") && !text.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            throw new IllegalArgumentException("not an address literal: " + text);
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address literal: " + text, e);
        }
    }
}
