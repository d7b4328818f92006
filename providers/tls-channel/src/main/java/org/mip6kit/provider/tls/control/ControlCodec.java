package org.mip6kit.provider.tls.control;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Encodes and decodes {@link ControlMessage}s (RFC 6618 §5.1), one whole message at a time (see
 * {@link ControlFramer} for a stream). Stateless and thread-safe.
 *
 * <p>Decoding is strict and bounded: Ver must be {@link ControlMessage#VERSION}; Reserved must be
 * zero (RFC text usually says "ignored"; refusing keeps every accepted message byte-for-byte
 * equal to its re-encoding, which the {@code auth} computation relies on); Identifier 1..255;
 * Length equal to the octets given, at most {@link ControlMessage#MAX_MESSAGE_OCTETS}; the first
 * line {@code message-type: ...}; every line {@code name: value} (one colon, one space) ended by
 * CRLF, printable ASCII only, no bare CR or LF; at most {@link ControlMessage#MAX_FIELDS} fields,
 * none twice; known fields checked against {@link ControlFields}; an empty line last, nothing
 * after it. Every fault is a {@link ControlFormatException} naming the field and offset.
 */
public final class ControlCodec {

    /** Octets of the container header. */
    public static final int HEADER_OCTETS = 4;

    private static final byte CR = '\r';
    private static final byte LF = '\n';

    private ControlCodec() {
    }

    /**
     * The wire octets of {@code message}.
     *
     * @throws IllegalArgumentException if it would exceed {@link ControlMessage#MAX_MESSAGE_OCTETS}
     */
    public static byte[] encode(ControlMessage message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(message.version() << 5);
        out.write(message.identifier());
        out.write(0);
        out.write(0);
        line(out, ControlFields.MESSAGE_TYPE, message.type().name());
        for (ControlMessage.Field f : message.fields()) {
            line(out, f.name(), f.value());
        }
        out.write(CR);
        out.write(LF);
        byte[] b = out.toByteArray();
        if (b.length > ControlMessage.MAX_MESSAGE_OCTETS) {
            throw new IllegalArgumentException("a control message has at most " + ControlMessage.MAX_MESSAGE_OCTETS
                    + " octets, this one " + b.length);
        }
        b[2] = (byte) (b.length >>> 8);
        b[3] = (byte) b.length;
        return b;
    }

    private static void line(ByteArrayOutputStream out, String name, String value) {
        out.writeBytes(name.getBytes(StandardCharsets.US_ASCII));
        out.write(':');
        out.write(' ');
        out.writeBytes(value.getBytes(StandardCharsets.US_ASCII));
        out.write(CR);
        out.write(LF);
    }

    /** Decodes exactly one message filling {@code wire}. */
    public static ControlMessage decode(byte[] wire) throws ControlFormatException {
        return decode(wire, 0, wire.length);
    }

    /**
     * Decodes exactly one message filling {@code wire[offset, offset + length)}; offsets in
     * exceptions count from {@code offset}.
     */
    public static ControlMessage decode(byte[] wire, int offset, int length) throws ControlFormatException {
        int declared = checkHeader(wire, offset, length);
        if (length > declared) {
            throw new ControlFormatException("Length", declared,
                    (length - declared) + " trailing octets after the " + declared + " octets Length gives");
        }
        if (length < declared) {
            throw new ControlFormatException("Length", 2, "gives " + declared + " octets, only " + length + " present");
        }
        int version = (wire[offset] & 0xff) >>> 5;
        int identifier = wire[offset + 1] & 0xff;
        ControlMessageType type = null;
        List<ControlMessage.Field> fields = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int pos = HEADER_OCTETS;
        while (true) {
            int eol = findCrlf(wire, offset, pos, length);
            if (eol == pos) {
                pos += 2;
                break;
            }
            String text = new String(wire, offset + pos, eol - pos, StandardCharsets.ISO_8859_1);
            int colon = text.indexOf(':');
            if (colon < 0 || colon + 1 >= text.length() || text.charAt(colon + 1) != ' ') {
                throw new ControlFormatException("line", pos, "a line is 'name: value' (colon, one space)");
            }
            String name = text.substring(0, colon);
            String value = text.substring(colon + 2);
            if (type == null) {
                if (!name.equals(ControlFields.MESSAGE_TYPE)) {
                    throw new ControlFormatException(ControlFields.MESSAGE_TYPE, pos, "the first line gives the message type");
                }
                if (!ControlFields.isToken(value, 64)) {
                    throw new ControlFormatException(ControlFields.MESSAGE_TYPE, pos + colon + 2,
                            "expected 1..64 visible ASCII characters");
                }
                type = ControlMessageType.of(value);
            } else {
                if (!ControlFields.isFieldName(name)) {
                    throw new ControlFormatException("line", pos,
                            "a field name is 1..64 of a-z, 0-9 and '-', starting with a letter");
                }
                String fault = ControlMessage.fieldFault(name, value);
                if (fault != null) {
                    throw new ControlFormatException(name, pos + colon + 2, fault);
                }
                if (!seen.add(name)) {
                    throw new ControlFormatException(name, pos, "appears twice; every field is single-valued");
                }
                if (fields.size() == ControlMessage.MAX_FIELDS) {
                    throw new ControlFormatException(name, pos, "more than " + ControlMessage.MAX_FIELDS + " fields");
                }
                fields.add(new ControlMessage.Field(name, value));
            }
            pos = eol + 2;
        }
        if (type == null) {
            throw new ControlFormatException(ControlFields.MESSAGE_TYPE, HEADER_OCTETS, "the message has no type line");
        }
        if (pos != length) {
            throw new ControlFormatException("end", pos, (length - pos) + " octets after the empty line that ends the message");
        }
        return new ControlMessage(version, identifier, type, fields);
    }

    /**
     * Checks the container header at {@code wire[offset..]} (at least 4 octets must be there)
     * and returns the Length it gives.
     */
    static int checkHeader(byte[] wire, int offset, int available) throws ControlFormatException {
        if (available < HEADER_OCTETS) {
            throw new ControlFormatException("Length", 0, "shorter than the " + HEADER_OCTETS + "-octet header");
        }
        int b0 = wire[offset] & 0xff;
        if ((b0 >>> 5) != ControlMessage.VERSION) {
            throw new ControlFormatException("Ver", 0, "expected version " + ControlMessage.VERSION + ", got " + (b0 >>> 5));
        }
        if ((b0 & 0x1f) != 0) {
            throw new ControlFormatException("Reserved", 0, "the 5 reserved bits must be zero");
        }
        if ((wire[offset + 1] & 0xff) == 0) {
            throw new ControlFormatException("Identifier", 1, "identifiers run 1..255");
        }
        int declared = ((wire[offset + 2] & 0xff) << 8) | (wire[offset + 3] & 0xff);
        int smallest = HEADER_OCTETS + ControlFields.MESSAGE_TYPE.length() + 5 + 2;
        if (declared < smallest) {
            throw new ControlFormatException("Length", 2, "gives " + declared + " octets, a message has at least " + smallest);
        }
        if (declared > ControlMessage.MAX_MESSAGE_OCTETS) {
            throw new ControlFormatException("Length", 2,
                    "gives " + declared + " octets, more than the " + ControlMessage.MAX_MESSAGE_OCTETS + " accepted");
        }
        return declared;
    }

    /** Index of the CR of the next CRLF at or after {@code from}; faults on bare CR/LF or none. */
    private static int findCrlf(byte[] wire, int offset, int from, int length) throws ControlFormatException {
        for (int i = from; i < length; i++) {
            byte b = wire[offset + i];
            if (b == LF) {
                throw new ControlFormatException("line", i, "a line feed without a carriage return before it");
            }
            if (b == CR) {
                if (i + 1 < length && wire[offset + i + 1] == LF) {
                    return i;
                }
                throw new ControlFormatException("line", i, "a carriage return without a line feed after it");
            }
        }
        throw new ControlFormatException("line", from, "the message ends inside a line; the last line must be empty");
    }
}
