package org.mip6kit.dataplane;

import java.io.IOException;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Objects;

import jnr.ffi.Pointer;

import org.mip6kit.wire.Ipv6Address;

/**
 * An unsolicited Neighbor Advertisement (RFC 4861 §7.2.6): tells every node on a link that
 * {@code target} is now at this interface's link-layer address, so a neighbour cache entry that
 * still points at another machine (the home agent that held the address before) is overridden at
 * once instead of after it goes stale. Sent to all-nodes {@code ff02::1} with hop limit 255,
 * Override set, Solicited clear, and the Target Link-Layer Address option.
 * <pre>
 *  0                   1                   2                   3
 *  +---------------+---------------+-------------------------------+
 *  |  Type = 136   |   Code = 0    |  Checksum (filled by kernel)  |
 *  +-+-+-+---------+---------------+-------------------------------+
 *  |R|S|O|                    Reserved                             |
 *  +-+-+-+---------------------------------------------------------+
 *  |                  Target Address (16 octets)                   |
 *  +---------------+---------------+-------------------------------+
 *  |  Type = 2     |  Length = 1   |  Link-Layer Address (6 oct.)  |
 *  +---------------+---------------+-------------------------------+
 * </pre>
 * Needs CAP_NET_RAW; 64-bit Linux (the raw socket is opened with jnr-ffi, as the data plane's).
 */
public final class UnsolicitedNeighbourAdvertisement {

    /** ICMPv6 type of a Neighbor Advertisement. */
    static final int TYPE = 136;
    /** The Override flag (first octet after the checksum). */
    static final int OVERRIDE = 0x20;
    /** The Router flag. */
    static final int ROUTER = 0x80;
    private static final byte[] ALL_NODES = Ipv6Address.parse("ff02::1").toBytes();

    private UnsolicitedNeighbourAdvertisement() {
    }

    /**
     * The message for {@code target} at {@code linkLayerAddress} (6 octets, Ethernet).
     *
     * @param router whether the sender is a router (the R flag)
     */
    public static byte[] message(Ipv6Address target, byte[] linkLayerAddress, boolean router) {
        Objects.requireNonNull(target, "target");
        if (linkLayerAddress == null || linkLayerAddress.length != 6) {
            throw new IllegalArgumentException("an Ethernet address has 6 octets");
        }
        byte[] m = new byte[32];
        m[0] = (byte) TYPE;
        m[4] = (byte) (OVERRIDE | (router ? ROUTER : 0));
        target.writeTo(m, 8);
        m[24] = 2;
        m[25] = 1;
        System.arraycopy(linkLayerAddress, 0, m, 26, 6);
        return m;
    }

    /**
     * Sends one advertisement of {@code target} on {@code interfaceName}.
     *
     * @param router whether this machine forwards (the R flag; a home agent normally does)
     * @throws IOException if the interface does not exist or has no Ethernet address, or the
     *         socket cannot be opened (no CAP_NET_RAW) or the send fails
     */
    public static void send(String interfaceName, Ipv6Address target, boolean router) throws IOException {
        NetworkInterface nif;
        try {
            nif = NetworkInterface.getByName(interfaceName);
        } catch (SocketException e) {
            throw new IOException("cannot read interface " + interfaceName + ": " + e.getMessage(), e);
        }
        if (nif == null) {
            throw new IOException("no interface " + interfaceName);
        }
        byte[] mac = nif.getHardwareAddress();
        if (mac == null || mac.length != 6) {
            throw new IOException("interface " + interfaceName + " has no Ethernet address; no Neighbor "
                    + "Advertisement is needed or possible on it");
        }
        byte[] m = message(target, mac, router);
        NativeCalls calls = NativeCalls.load();
        int fd = calls.openNeighbourDiscoverySocket();
        try {
            Pointer to = calls.sockaddrIn6(ALL_NODES);
            to.putInt(24, nif.getIndex());
            Pointer buffer = calls.allocate(m.length);
            buffer.put(0, m, 0, m.length);
            if (calls.sendto(fd, buffer, m.length, to) < 0) {
                throw calls.failure("sendto(Neighbor Advertisement for " + target + " on " + interfaceName + ")");
            }
        } finally {
            calls.close(fd);
        }
    }
}
