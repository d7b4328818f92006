package org.mip6kit.provider.ipsec.xfrm;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.time.Duration;

/**
 * Finds out whether the kernel can hold XFRM states (SAs) by installing a harmless one: an ESP
 * transport state with the null cipher between two documentation addresses
 * (2001:db8:ffff::1 → 2001:db8:ffff::2, SPI 0x00000d0c). If the kernel accepts it, the probe
 * deletes it again at once.
 */
public final class XfrmCapabilityProbe {
    private XfrmCapabilityProbe() {}

    /** The probe's verdict: whether ESP states are supported, and a human-readable report of what is missing. */
    public record Result(boolean espStates, int errno, String report) {}

    static final int PROBE_SPI = 0x00000d0c;

    /** Runs the probe on {@code socket}. Never throws for a refusal: the refusal is the result. */
    public static Result probe(XfrmNetlinkSocket socket, Duration timeout) {
        InetAddress d;
        InetAddress s;
        try {
            d = InetAddress.getByName("2001:db8:ffff::2");
            s = InetAddress.getByName("2001:db8:ffff::1");
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        ByteOrder o = ByteOrder.nativeOrder();
        try {
            socket.request(XfrmMessages.newNullEspTransportState(d, s, PROBE_SPI, socket.nextSeq(), o), timeout);
        } catch (XfrmException e) {
            return new Result(false, e.errno(), explain(e));
        }
        String cleanup = "";
        try {
            socket.request(XfrmMessages.deleteState(d, PROBE_SPI, XfrmUserTmpl.IPPROTO_ESP, socket.nextSeq(), o),
                    timeout);
        } catch (XfrmException e) {
            cleanup = "; deleting the probe state failed: " + e.getMessage();
        }
        return new Result(true, 0, "ESP transport states are supported" + cleanup);
    }

    private static String explain(XfrmException e) {
        return switch (e.errno()) {
            case 93 -> "no ESP/AH states: the kernel lacks CONFIG_INET6_ESP/CONFIG_XFRM (ESP type not found, "
                    + "EPROTONOSUPPORT); kernel SAs, the Home Address option and the type 2 routing header "
                    + "(CONFIG_IPV6_MIP6) are unavailable";
            case 1 -> "XFRM states need CAP_NET_ADMIN (EPERM): run as root or grant the capability";
            case 2 -> "the null cipher ecb(cipher_null) is not available (ENOENT): CONFIG_CRYPTO_NULL is missing, "
                    + "so ESP support could not be confirmed";
            default -> "XFRM NEWSA refused: " + e.getMessage();
        };
    }
}
