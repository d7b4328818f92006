package org.mip6kit.provider.ipsec.kernel;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.mip6kit.provider.ipsec.xfrm.NetlinkMessage;
import org.mip6kit.provider.ipsec.xfrm.XfrmCapabilityProbe;
import org.mip6kit.provider.ipsec.xfrm.XfrmException;
import org.mip6kit.provider.ipsec.xfrm.XfrmMessageTypes;
import org.mip6kit.provider.ipsec.xfrm.XfrmNetlinkSocket;
import org.mip6kit.spi.SecurityProviderException;

/**
 * The start-up check of the {@code kernel} mode: can this kernel hold the ESP SAs charon will
 * negotiate for BU/BA, and the route optimisation states behind the Home Address option and the
 * type 2 routing header (RFC 6275 §6.3, §6.4)? The verdict names the kernel options that are
 * missing, as far as the errno and the request that failed allow:
 *
 * <table>
 * <caption>What each refusal means</caption>
 * <tr><th>request</th><th>errno</th><th>missing</th></tr>
 * <tr><td>socket(AF_NETLINK, NETLINK_XFRM)</td><td>EPROTONOSUPPORT</td><td>CONFIG_XFRM_USER</td></tr>
 * <tr><td>NEWSA ESP transport, IPv6 ({@link XfrmCapabilityProbe})</td><td>EPROTONOSUPPORT</td>
 *     <td>CONFIG_INET6_ESP (CONFIG_INET_ESP for IPv4 is then not probed, named as "check too")</td></tr>
 * <tr><td>same</td><td>ENOENT</td><td>CONFIG_CRYPTO_NULL (the probe's cipher), ESP unconfirmed</td></tr>
 * <tr><td>NEWSA route optimisation (type 2 routing header, XFRMA_COADDR)</td><td>EPROTONOSUPPORT</td>
 *     <td>CONFIG_IPV6_MIP6</td></tr>
 * <tr><td>any</td><td>EPERM</td><td>no kernel option: CAP_NET_ADMIN</td></tr>
 * </table>
 *
 * Both probes always run (they are independent). Every state the check manages to create it
 * deletes again at once. Operators read more at
 * {@value #DOCS}.
 */
public final class KernelEspCheck {
    /** Where the operator documentation of this check lives. */
    public static final String DOCS = "docs/errors.md#kernel-esp";

    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EPROTONOSUPPORT = 93;

    static final int IPPROTO_ROUTING = 43;
    static final int XFRM_MODE_ROUTEOPTIMIZATION = 2;

    private KernelEspCheck() {}

    /**
     * The verdict.
     *
     * @param ok whether the kernel mode can run
     * @param errno the errno of the refusal that decided it, 0 when ok
     * @param missingOptions the kernel options found missing, e.g. {@code CONFIG_INET6_ESP}; empty when ok
     * @param text one operator-readable paragraph: what was tried, what is missing, {@value #DOCS}
     */
    public record Verdict(boolean ok, int errno, List<String> missingOptions, String text) {
        public Verdict {
            missingOptions = List.copyOf(missingOptions);
            Objects.requireNonNull(text, "text");
        }

        /** Returns normally when ok; otherwise throws a {@link SecurityProviderException} with {@link #text()}. */
        public void requireOk() {
            if (!ok) throw new SecurityProviderException(text);
        }
    }

    /**
     * Opens an XFRM socket in {@code namespace} (null: the caller's), runs the ESP probe
     * ({@link XfrmCapabilityProbe}) and the route optimisation probe, and closes the socket.
     */
    public static Verdict check(String namespace, Duration timeout) {
        XfrmNetlinkSocket socket;
        try {
            socket = XfrmNetlinkSocket.open(namespace);
        } catch (XfrmException e) {
            return ofSocketFailure(e);
        }
        try (socket) {
            XfrmCapabilityProbe.Result esp = XfrmCapabilityProbe.probe(socket, timeout);
            return evaluate(esp, probeRouteOptimisation(socket, timeout));
        }
    }

    /** The verdict when the XFRM netlink socket itself could not be opened. */
    public static Verdict ofSocketFailure(XfrmException e) {
        if (e.operation().startsWith("socket(") && e.errno() == EPROTONOSUPPORT) {
            return verdict(e.errno(), List.of("CONFIG_XFRM_USER"), List.of("the kernel has no XFRM netlink "
                    + "interface (socket(AF_NETLINK, NETLINK_XFRM) failed with EPROTONOSUPPORT), so neither "
                    + "policies nor SAs can be managed"), List.of());
        }
        if (e.errno() == EPERM) {
            return verdict(e.errno(), List.of(), List.of("opening the XFRM netlink socket needs CAP_NET_ADMIN ("
                    + e.getMessage() + "): run as root or grant the capability"), List.of());
        }
        return verdict(e.errno(), List.of(), List.of("the XFRM netlink socket could not be opened: "
                + e.getMessage()), List.of());
    }

    /**
     * The verdict from the ESP probe's result and the route optimisation probe's outcome
     * ({@code routeOptimisation}: the errno, 0 for accepted, null when it was not run). The kernel
     * mode needs both: without CONFIG_IPV6_MIP6 a BU sent from the care-of address cannot carry
     * the home address that the ESP policy selects on.
     */
    public static Verdict evaluate(XfrmCapabilityProbe.Result esp, Integer routeOptimisation) {
        Objects.requireNonNull(esp, "esp");
        List<String> missing = new ArrayList<>();
        List<String> why = new ArrayList<>();
        List<String> checkToo = new ArrayList<>();
        int errno = 0;
        if (!esp.espStates()) {
            errno = esp.errno();
            switch (esp.errno()) {
                case EPROTONOSUPPORT -> {
                    missing.add("CONFIG_INET6_ESP");
                    why.add("the kernel refused an IPv6 ESP transport state with EPROTONOSUPPORT (no ESP type "
                            + "for AF_INET6), so charon cannot install the SAs that protect BU/BA");
                    checkToo.add("CONFIG_INET_ESP (IPv4 ESP, for IPv4 care-of addresses)");
                }
                case ENOENT -> {
                    missing.add("CONFIG_CRYPTO_NULL");
                    why.add("the probe's null cipher ecb(cipher_null) is unavailable (ENOENT), so ESP support "
                            + "could not be confirmed");
                    checkToo.add("CONFIG_INET6_ESP");
                }
                case EPERM -> why.add("creating an XFRM state needs CAP_NET_ADMIN (EPERM): run as root or grant "
                        + "the capability");
                default -> {
                    why.add("the kernel refused the ESP probe state: " + esp.report());
                    checkToo.add("CONFIG_INET6_ESP");
                }
            }
        }
        if (routeOptimisation == null) {
            checkToo.add("CONFIG_IPV6_MIP6 (Home Address option and type 2 routing header)");
        } else if (routeOptimisation == EPROTONOSUPPORT) {
            if (errno == 0) errno = routeOptimisation;
            missing.add("CONFIG_IPV6_MIP6");
            why.add("the kernel refused a route optimisation state (type 2 routing header) with EPROTONOSUPPORT, "
                    + "so it can neither add nor process the Home Address option and the type 2 routing header");
        } else if (routeOptimisation != 0) {
            if (errno == 0) errno = routeOptimisation;
            why.add("the route optimisation probe was refused with " + XfrmException.errnoName(routeOptimisation));
            checkToo.add("CONFIG_IPV6_MIP6 (Home Address option and type 2 routing header)");
        }
        if (errno == 0) {
            String ro = routeOptimisation == null ? "; route optimisation states were not probed"
                    : " and so are route optimisation (type 2 routing header) states";
            return new Verdict(true, 0, List.of(), "ESP transport states are supported" + ro);
        }
        return verdict(errno, missing, why, checkToo);
    }

    private static Verdict verdict(int errno, List<String> missing, List<String> why, List<String> checkToo) {
        StringBuilder b = new StringBuilder("kernel mode unavailable: ").append(String.join("; ", why));
        if (!missing.isEmpty()) b.append(". Missing kernel options: ").append(String.join(", ", missing));
        if (!checkToo.isEmpty()) b.append(". Not probed, check too: ").append(String.join(", ", checkToo));
        b.append(" (").append(XfrmException.errnoName(errno)).append(", errno ").append(errno)
                .append("). See ").append(DOCS).append('.');
        return new Verdict(false, errno, missing, b.toString());
    }

    /**
     * Tries a route optimisation state (IPPROTO_ROUTING, mode ROUTEOPTIMIZATION, care-of address in
     * XFRMA_COADDR, no key) between documentation addresses and deletes it again.
     *
     * @return 0 when the kernel accepted it, otherwise the errno
     */
    static int probeRouteOptimisation(XfrmNetlinkSocket socket, Duration timeout) {
        InetAddress d = address("2001:db8:ffff::2");
        InetAddress s = address("2001:db8:ffff::1");
        InetAddress coa = address("2001:db8:ffff::3");
        ByteOrder o = ByteOrder.nativeOrder();
        try {
            socket.request(newRouteOptimisationState(d, s, coa, socket.nextSeq(), o), timeout);
        } catch (XfrmException e) {
            return e.errno();
        }
        try {
            socket.request(deleteRouteOptimisationState(d, s, socket.nextSeq(), o), timeout);
        } catch (XfrmException e) {
            // the verdict stands; the leftover state is harmless (documentation addresses)
        }
        return 0;
    }

    /**
     * NEWSA for a type 2 routing header state. xfrm_usersa_info (224): sel 0 (daddr 0, saddr 16,
     * family 40, prefixlen_d 42, prefixlen_s 43), id.daddr 56, id.spi 72, id.proto 76, saddr 80,
     * lft 96 (XFRM_INF for the four limits), family 212, mode 214; XFRMA_COADDR (14) a 16-octet
     * xfrm_address_t.
     */
    static NetlinkMessage newRouteOptimisationState(InetAddress destination, InetAddress source, InetAddress careOf,
            int seq, ByteOrder order) {
        ByteBuffer f = ByteBuffer.allocate(224).order(order);
        f.put(0, destination.getAddress()).put(16, source.getAddress());
        f.putShort(40, (short) 10).put(42, (byte) 128).put(43, (byte) 128);
        f.put(56, destination.getAddress()).put(76, (byte) IPPROTO_ROUTING).put(80, source.getAddress());
        for (int i = 0; i < 4; i++) f.putLong(96 + 8 * i, -1L);
        f.putShort(212, (short) 10).put(214, (byte) XFRM_MODE_ROUTEOPTIMIZATION);
        return new NetlinkMessage(XfrmMessageTypes.XFRM_MSG_NEWSA, NetlinkMessage.NLM_F_REQUEST | NetlinkMessage.NLM_F_ACK,
                seq, 0, f.array(), List.of(new NetlinkMessage.Attribute(XfrmMessageTypes.XFRMA_COADDR,
                        careOf.getAddress())));
    }

    /** DELSA for that state: xfrm_usersa_id (daddr 0, spi 16, family 20, proto 22) and XFRMA_SRCADDR. */
    static NetlinkMessage deleteRouteOptimisationState(InetAddress destination, InetAddress source, int seq,
            ByteOrder order) {
        ByteBuffer f = ByteBuffer.allocate(24).order(order);
        f.put(0, destination.getAddress()).putShort(20, (short) 10).put(22, (byte) IPPROTO_ROUTING);
        return new NetlinkMessage(XfrmMessageTypes.XFRM_MSG_DELSA, NetlinkMessage.NLM_F_REQUEST | NetlinkMessage.NLM_F_ACK,
                seq, 0, f.array(), List.of(new NetlinkMessage.Attribute(XfrmMessageTypes.XFRMA_SRCADDR,
                        source.getAddress())));
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

}
