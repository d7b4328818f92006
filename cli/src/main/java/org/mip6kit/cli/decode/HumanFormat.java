package org.mip6kit.cli.decode;

import java.io.PrintWriter;
import java.util.List;
import org.mip6kit.cli.decode.MessageReport.OptionReport;
import org.mip6kit.cli.decode.MessageReport.PaddingReport;
import org.mip6kit.wire.packet.MobilityPacket;

/**
 * Writes {@link DecodedEntry}s for a person to read: one line per field, nested by layer.
 * Format errors are not written here (the command writes them to stderr); a malformed entry
 * only says that it is malformed.
 */
public final class HumanFormat {

    private HumanFormat() {
    }

    /**
     * @param numbered whether to head each entry that is no pcap frame with {@code input N}
     *                 (when several hex messages were given)
     */
    public static void write(List<DecodedEntry> entries, boolean numbered, PrintWriter out) {
        for (int i = 0; i < entries.size(); i++) {
            if (i > 0) {
                out.println();
            }
            write(entries.get(i), numbered ? i + 1 : 0, out);
        }
        out.flush();
    }

    private static void write(DecodedEntry e, int number, PrintWriter out) {
        String indent = "";
        if (e.frame() != null) {
            out.println("frame " + e.frame() + ", " + e.timestamp() + ", " + e.length() + " octets"
                    + (e.skipped() != null ? ": skipped, " + e.skipped() : ""));
            indent = "  ";
        } else if (number > 0) {
            out.println("input " + number + ", " + e.length() + " octets");
            indent = "  ";
        }
        if (e.skipped() != null) {
            return;
        }
        if (e.packet() != null) {
            if (e.frame() == null) {
                out.println(indent + "packet, " + e.length() + " octets");
                indent += "  ";
            }
            writePacket(e.packet(), indent, out);
        }
        if (e.message() != null) {
            writeMessage(e.message(), indent, out);
        } else if (e.error() != null) {
            out.println(indent + e.error().layer().headline() + ": " + e.error().field() + " at offset "
                    + e.error().offset() + " (reported on stderr)");
        }
    }

    private static void writePacket(PacketReport p, String indent, PrintWriter out) {
        MobilityPacket packet = p.packet();
        packet.udpEncapsulation().ifPresent(u -> out.println(indent + "UDP encapsulation: " + PacketReport.udpText(u)));
        out.println(indent + "IPv6: " + packet.source() + " -> " + packet.destination());
        out.println(indent + "Home Address option: " + packet.homeAddressOption().map(Object::toString).orElse("none"));
        out.println(indent + "type 2 routing header: "
                + packet.type2RoutingHeader().map(Object::toString).orElse("none"));
        out.println(indent + "Mobility Header: " + p.mobilityHeaderLength() + " octets at packet offset "
                + p.mobilityHeaderOffset() + ", checksum pseudo-header " + packet.pseudoHeaderSource() + " -> "
                + packet.pseudoHeaderDestination());
    }

    private static void writeMessage(MessageReport m, String indent, PrintWriter out) {
        out.println(indent + m.type() + ", " + m.length() + " octets, Header Len " + m.headerLen());
        String in = indent + "  ";
        MessageReport.ChecksumReport c = m.checksum();
        if (c.verified()) {
            out.println(in + "checksum: " + c.hex() + ", verified (pseudo-header " + c.source() + " -> "
                    + c.destination() + ")");
        } else {
            out.println(in + "checksum: " + c.hex() + ", " + c.note());
        }
        for (Field f : m.fields()) {
            out.println(in + f.label() + ": " + f.text());
        }
        if (m.options().isEmpty()) {
            out.println(in + "options: none");
        }
        for (OptionReport o : m.options()) {
            out.println(in + "option " + o.name() + "(" + o.type() + ") at offset " + o.offset() + ", length "
                    + o.dataLength() + ", alignment " + o.alignment()
                    + (o.aligned() ? " (met)" : " (NOT MET)"));
            for (Field f : o.fields()) {
                out.println(in + "  " + f.label() + ": " + f.text());
            }
        }
        if (!m.padding().isEmpty()) {
            StringBuilder sb = new StringBuilder(in).append("padding:");
            for (PaddingReport p : m.padding()) {
                sb.append(' ').append(p.name()).append(" at offset ").append(p.offset()).append(" (")
                        .append(p.octets()).append(p.octets() == 1 ? " octet)" : " octets)").append(',');
            }
            sb.setLength(sb.length() - 1);
            out.println(sb);
        }
    }
}
