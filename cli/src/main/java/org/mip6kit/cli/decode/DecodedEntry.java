package org.mip6kit.cli.decode;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mip6kit.wire.FormatReaction;
import org.mip6kit.wire.MobilityHeaderFormatException;

/**
 * What decoding one input gave: a bare Mobility Header, a whole packet, or one pcap record.
 * Exactly one of {@code message}, {@code error} and {@code skipped} is set.
 *
 * @param frame     the pcap record number (1 for the first, as Wireshark counts), or null
 * @param timestamp the pcap capture time, or null
 * @param length    octets of input (the packet, or the bare Mobility Header)
 * @param packet    the IP layers, when the input was a packet that parsed; else null
 * @param message   the decoded message, or null
 * @param error     why the input was malformed, or null
 * @param skipped   why a pcap record holds no Mobility Header, or null
 */
public record DecodedEntry(Integer frame, Instant timestamp, int length, PacketReport packet, MessageReport message,
                           ErrorReport error, String skipped) {

    /** Which layer a format error was found in. */
    public enum Layer {
        /** The IP packet around the Mobility Header (headers, lengths, UDP, HAO, RH2). */
        PACKET("packet", "malformed packet"),
        /** The Mobility Header message itself, checksum included. */
        MOBILITY_HEADER("mobilityHeader", "malformed Mobility Header");

        private final String json;
        private final String headline;

        Layer(String json, String headline) {
            this.json = json;
            this.headline = headline;
        }

        public String json() {
            return json;
        }

        /** The start of the error line, e.g. {@code "malformed Mobility Header"}. */
        public String headline() {
            return headline;
        }
    }

    /**
     * A format error: the field, its offset and RFC 6275's reaction, from the exception.
     *
     * @param layer        where it was found
     * @param field        the field that is wrong
     * @param offset       the field's offset from the start of its layer (the Mobility Header,
     *                     or the packet)
     * @param reaction     what a receiver does with such a message
     * @param detail       the exception's message: field, offset, problem and reaction
     * @param packetOffset for a Mobility Header inside a packet, where the Mobility Header
     *                     starts in the packet; else null
     * @param hint         a further explanation (e.g. the checksum these addresses would give), or null
     */
    public record ErrorReport(Layer layer, String field, int offset, FormatReaction reaction, String detail,
                              Integer packetOffset, String hint) {

        public static ErrorReport of(Layer layer, MobilityHeaderFormatException e, Integer packetOffset, String hint) {
            return new ErrorReport(layer, e.field(), e.offset(), e.reaction(), e.getMessage(), packetOffset, hint);
        }

        /** The one-line error, e.g. {@code malformed Mobility Header: Header Len at offset 1: ... (discard silently)}. */
        public String line() {
            StringBuilder sb = new StringBuilder(layer.headline()).append(": ").append(detail);
            if (packetOffset != null) {
                sb.append("; the Mobility Header starts at packet offset ").append(packetOffset);
            }
            if (hint != null) {
                sb.append("; ").append(hint);
            }
            return sb.toString();
        }

        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("layer", layer.json());
            m.put("field", field);
            m.put("offset", offset);
            m.put("packetOffset", packetOffset);
            m.put("reaction", reaction.name());
            m.put("message", line());
            return m;
        }
    }

    public static DecodedEntry decoded(Integer frame, Instant timestamp, int length, PacketReport packet,
                                       MessageReport message) {
        return new DecodedEntry(frame, timestamp, length, packet, message, null, null);
    }

    public static DecodedEntry malformed(Integer frame, Instant timestamp, int length, PacketReport packet,
                                         ErrorReport error) {
        return new DecodedEntry(frame, timestamp, length, packet, null, error, null);
    }

    public static DecodedEntry skipped(int frame, Instant timestamp, int length, String reason) {
        return new DecodedEntry(frame, timestamp, length, null, null, null, reason);
    }

    public boolean isMalformed() {
        return error != null;
    }

    /** The JSON object; the keys are listed in {@code mip6kit decode --help}. Absent parts are left out. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (frame != null) {
            m.put("frame", frame);
            m.put("timestamp", timestamp.toString());
        }
        m.put("length", length);
        if (packet != null) {
            m.put("packet", packet.toJson());
        }
        if (message != null) {
            m.put("message", message.toJson());
        }
        if (error != null) {
            m.put("error", error.toJson());
        }
        if (skipped != null) {
            m.put("skipped", skipped);
        }
        return m;
    }
}
