package org.mip6kit.cli.decode;

import java.util.LinkedHashMap;
import java.util.Map;
import org.mip6kit.wire.packet.MobilityPacket;
import org.mip6kit.wire.packet.UdpEncapsulation;

/**
 * The IP layers around a Mobility Header: outer UDP encapsulation (RFC 5555), the IPv6
 * addresses, the Home Address option (RFC 6275 §6.3), the type 2 routing header (§6.4), and
 * the pseudo-header addresses the checksum is computed over (§6.1.1).
 *
 * @param length               octets of the whole packet
 * @param packet               the parsed packet
 * @param mobilityHeaderOffset where the Mobility Header starts in the packet
 */
public record PacketReport(int length, MobilityPacket packet, int mobilityHeaderOffset) {

    public static PacketReport of(byte[] octets, MobilityPacket packet) {
        // The parser hands over everything after the header chain as the Mobility Header.
        return new PacketReport(octets.length, packet, octets.length - packet.mobilityHeader().length);
    }

    public int mobilityHeaderLength() {
        return length - mobilityHeaderOffset;
    }

    /** The JSON object; the keys are listed in {@code mip6kit decode --help}. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("length", length);
        m.put("udpEncapsulation", packet.udpEncapsulation().map(PacketReport::udpJson).orElse(null));
        m.put("source", packet.source().toString());
        m.put("destination", packet.destination().toString());
        m.put("homeAddressOption", packet.homeAddressOption().map(Object::toString).orElse(null));
        m.put("type2RoutingHeader", packet.type2RoutingHeader().map(Object::toString).orElse(null));
        m.put("pseudoHeaderSource", packet.pseudoHeaderSource().toString());
        m.put("pseudoHeaderDestination", packet.pseudoHeaderDestination().toString());
        m.put("mobilityHeaderOffset", mobilityHeaderOffset);
        m.put("mobilityHeaderLength", mobilityHeaderLength());
        return m;
    }

    private static Map<String, Object> udpJson(UdpEncapsulation e) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (e instanceof UdpEncapsulation.OverIpv4 v4) {
            m.put("ipVersion", 4);
            m.put("source", v4.source().toString());
            m.put("destination", v4.destination().toString());
        } else if (e instanceof UdpEncapsulation.OverIpv6 v6) {
            m.put("ipVersion", 6);
            m.put("source", v6.source().toString());
            m.put("destination", v6.destination().toString());
        }
        m.put("sourcePort", e.sourcePort());
        m.put("destinationPort", e.destinationPort());
        return m;
    }

    /** {@code IPv4 192.0.2.100 port 49152 -> 198.51.100.1 port 4191}. */
    static String udpText(UdpEncapsulation e) {
        String version;
        String source;
        String destination;
        if (e instanceof UdpEncapsulation.OverIpv4 v4) {
            version = "IPv4";
            source = v4.source().toString();
            destination = v4.destination().toString();
        } else {
            UdpEncapsulation.OverIpv6 v6 = (UdpEncapsulation.OverIpv6) e;
            version = "IPv6";
            source = v6.source().toString();
            destination = v6.destination().toString();
        }
        return version + " " + source + " port " + e.sourcePort() + " -> " + destination + " port "
                + e.destinationPort();
    }
}
