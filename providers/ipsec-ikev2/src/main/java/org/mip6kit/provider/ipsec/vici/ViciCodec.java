package org.mip6kit.provider.ipsec.vici;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Stateless encoder and strict decoder of VICI messages and packets (strongSwan
 * {@code vici/README.md}, "Transport protocol", "Packet layer", "Message format"). Message
 * elements:
 *
 * <pre>
 *  SECTION_START 1 | nameLen(8) | name
 *  SECTION_END   2
 *  KEY_VALUE     3 | nameLen(8) | name | valueLen(16, network order) | value
 *  LIST_START    4 | nameLen(8) | name
 *  LIST_ITEM     5 | valueLen(16) | value
 *  LIST_END      6
 * </pre>
 *
 * <p>Decoding rejects, with a {@link ViciFormatException} naming the element and offset: unknown
 * element or packet types, truncated fields, names that are empty or not printable ASCII,
 * duplicate names in a section, items outside a list, anything but items inside a list, nested
 * lists, SECTION_END without a section, unclosed sections or lists, sections nested deeper than
 * {@link #MAX_DEPTH}, segments over {@link #MAX_SEGMENT} (charon's 512 KiB), and trailing bytes
 * after a message-less packet. Thread-safe (no state).
 */
public final class ViciCodec {
    /** Largest transport segment, excluding its length field: charon's limit of 512 KiB. */
    public static final int MAX_SEGMENT = 512 * 1024;
    /** Deepest section nesting accepted (charon has no limit; ours bounds recursion and memory). */
    public static final int MAX_DEPTH = 32;

    static final int SECTION_START = 1;
    static final int SECTION_END = 2;
    static final int KEY_VALUE = 3;
    static final int LIST_START = 4;
    static final int LIST_ITEM = 5;
    static final int LIST_END = 6;

    private ViciCodec() {}

    /**
     * @param message message
     * @return its element encoding (no length prefix)
     */
    public static byte[] encodeMessage(ViciMessage message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeMessage(out, message);
        return out.toByteArray();
    }

    private static void writeMessage(ByteArrayOutputStream out, ViciMessage message) {
        for (ViciMessage.Element e : message.elements()) {
            if (e instanceof ViciMessage.KeyValue kv) {
                out.write(KEY_VALUE);
                writeName(out, kv.name());
                writeValue(out, kv.value());
            } else if (e instanceof ViciMessage.Section s) {
                out.write(SECTION_START);
                writeName(out, s.name());
                writeMessage(out, s.body());
                out.write(SECTION_END);
            } else if (e instanceof ViciMessage.ValueList l) {
                out.write(LIST_START);
                writeName(out, l.name());
                for (ViciValue v : l.items()) {
                    out.write(LIST_ITEM);
                    writeValue(out, v);
                }
                out.write(LIST_END);
            }
        }
    }

    private static void writeName(ByteArrayOutputStream out, String name) {
        byte[] b = name.getBytes(StandardCharsets.US_ASCII);
        out.write(b.length);
        out.write(b, 0, b.length);
    }

    private static void writeValue(ByteArrayOutputStream out, ViciValue v) {
        out.write(v.length() >>> 8);
        out.write(v.length() & 0xFF);
        out.write(v.octetsUnsafe(), 0, v.length());
    }

    /**
     * @param packet packet
     * @return the transport segment: 4-octet length, then the packet
     * @throws IllegalArgumentException if the packet exceeds {@link #MAX_SEGMENT}
     */
    public static byte[] encodePacket(ViciPacket packet) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(0);
        out.write(0);
        out.write(0);
        out.write(packet.type().code());
        if (packet.type().named()) {
            writeName(out, packet.name());
        }
        if (packet.type().hasMessage()) {
            writeMessage(out, packet.message());
        }
        byte[] b = out.toByteArray();
        int len = b.length - 4;
        if (len > MAX_SEGMENT) {
            throw new IllegalArgumentException(
                    "VICI packet of " + len + " octets exceeds charon's " + MAX_SEGMENT);
        }
        b[0] = (byte) (len >>> 24);
        b[1] = (byte) (len >>> 16);
        b[2] = (byte) (len >>> 8);
        b[3] = (byte) len;
        return b;
    }

    /**
     * Checks a segment length read from the 4-octet prefix.
     *
     * @param length the prefix value (unsigned, in an int; negative means over 2^31)
     * @return the length
     * @throws ViciFormatException if zero or over {@link #MAX_SEGMENT}
     */
    public static int checkSegmentLength(int length) throws ViciFormatException {
        if (length <= 0 || length > MAX_SEGMENT) {
            throw new ViciFormatException("segment length", 0, "must be 1.." + MAX_SEGMENT
                    + " octets, was " + Integer.toUnsignedString(length));
        }
        return length;
    }

    /**
     * @param segment one transport segment without its length prefix
     * @return the packet
     * @throws ViciFormatException if malformed (offsets are relative to {@code segment})
     */
    public static ViciPacket decodePacket(byte[] segment) throws ViciFormatException {
        if (segment.length > MAX_SEGMENT) {
            throw new ViciFormatException("segment", 0, "exceeds " + MAX_SEGMENT + " octets");
        }
        Reader r = new Reader(segment, 0, segment.length);
        int code = r.u8("packet type");
        ViciPacketType type = ViciPacketType.ofCode(code);
        if (type == null) {
            throw new ViciFormatException("packet type", 0, "unknown code " + code + " (0..7 defined)");
        }
        String name = type.named() ? r.name("packet name") : null;
        ViciMessage message = null;
        if (type.hasMessage()) {
            message = decodeMessage(r);
        } else if (r.pos < r.end) {
            throw new ViciFormatException(type.name(), r.pos,
                    (r.end - r.pos) + " trailing octets after a packet that carries no message");
        }
        return new ViciPacket(type, name, message);
    }

    /**
     * @param body an encoded message (all of it)
     * @return the message
     * @throws ViciFormatException if malformed
     */
    public static ViciMessage decodeMessage(byte[] body) throws ViciFormatException {
        if (body.length > MAX_SEGMENT) {
            throw new ViciFormatException("message", 0, "exceeds " + MAX_SEGMENT + " octets");
        }
        return decodeMessage(new Reader(body, 0, body.length));
    }

    private static ViciMessage decodeMessage(Reader r) throws ViciFormatException {
        Deque<Frame> stack = new ArrayDeque<>();
        Frame current = new Frame(null, 0);
        String listName = null;
        int listOffset = 0;
        List<ViciValue> items = null;
        while (r.pos < r.end) {
            int at = r.pos;
            int t = r.u8("element type");
            if (items != null && t != LIST_ITEM && t != LIST_END) {
                throw new ViciFormatException(elementName(t), at,
                        "only LIST_ITEM or LIST_END may follow LIST_START '" + listName + "'");
            }
            switch (t) {
                case SECTION_START -> {
                    String name = r.name("SECTION_START name");
                    if (stack.size() + 1 > MAX_DEPTH) {
                        throw new ViciFormatException("SECTION_START", at,
                                "sections nested deeper than " + MAX_DEPTH);
                    }
                    stack.push(current);
                    current = new Frame(name, at);
                }
                case SECTION_END -> {
                    if (stack.isEmpty()) {
                        throw new ViciFormatException("SECTION_END", at, "no open section to end");
                    }
                    Frame parent = stack.pop();
                    parent.add(new ViciMessage.Section(current.name, current.build()), at);
                    current = parent;
                }
                case KEY_VALUE -> {
                    String name = r.name("KEY_VALUE name");
                    current.add(new ViciMessage.KeyValue(name, r.value("KEY_VALUE value")), at);
                }
                case LIST_START -> {
                    listName = r.name("LIST_START name");
                    listOffset = at;
                    items = new ArrayList<>();
                }
                case LIST_ITEM -> {
                    if (items == null) {
                        throw new ViciFormatException("LIST_ITEM", at, "item outside a list");
                    }
                    items.add(r.value("LIST_ITEM value"));
                }
                case LIST_END -> {
                    if (items == null) {
                        throw new ViciFormatException("LIST_END", at, "no open list to end");
                    }
                    current.add(new ViciMessage.ValueList(listName, items), listOffset);
                    items = null;
                }
                default -> throw new ViciFormatException("element type", at,
                        "unknown code " + t + " (1..6 defined)");
            }
        }
        if (items != null) {
            throw new ViciFormatException("LIST_START", listOffset,
                    "list '" + listName + "' not closed by LIST_END");
        }
        if (!stack.isEmpty()) {
            throw new ViciFormatException("SECTION_START", current.offset,
                    "section '" + current.name + "' not closed by SECTION_END");
        }
        return current.build();
    }

    private static String elementName(int t) {
        return switch (t) {
            case SECTION_START -> "SECTION_START";
            case SECTION_END -> "SECTION_END";
            case KEY_VALUE -> "KEY_VALUE";
            case LIST_START -> "LIST_START";
            case LIST_ITEM -> "LIST_ITEM";
            case LIST_END -> "LIST_END";
            default -> "element type " + t;
        };
    }

    private static final class Frame {
        final String name;
        final int offset;
        final List<ViciMessage.Element> elements = new ArrayList<>();
        final java.util.Set<String> names = new java.util.HashSet<>();

        Frame(String name, int offset) {
            this.name = name;
            this.offset = offset;
        }

        void add(ViciMessage.Element e, int at) throws ViciFormatException {
            if (!names.add(e.name())) {
                throw new ViciFormatException("name", at, "duplicate name '" + e.name() + "' in "
                        + (name == null ? "the root section" : "section '" + name + "'"));
            }
            elements.add(e);
        }

        ViciMessage build() {
            return ViciMessage.of(elements);
        }
    }

    private static final class Reader {
        final byte[] b;
        int pos;
        final int end;

        Reader(byte[] b, int pos, int end) {
            this.b = b;
            this.pos = pos;
            this.end = end;
        }

        private void need(int n, String field) throws ViciFormatException {
            if (end - pos < n) {
                throw new ViciFormatException(field, pos,
                        "truncated: needs " + n + " octets, " + (end - pos) + " left");
            }
        }

        int u8(String field) throws ViciFormatException {
            need(1, field);
            return b[pos++] & 0xFF;
        }

        String name(String field) throws ViciFormatException {
            int at = pos;
            int len = u8(field + " length");
            if (len == 0) {
                throw new ViciFormatException(field, at, "empty name");
            }
            need(len, field);
            for (int i = 0; i < len; i++) {
                int c = b[pos + i] & 0xFF;
                if (c < 0x20 || c > 0x7E) {
                    throw new ViciFormatException(field, pos + i,
                            "not printable ASCII: 0x" + Integer.toHexString(c));
                }
            }
            String s = new String(b, pos, len, StandardCharsets.US_ASCII);
            pos += len;
            return s;
        }

        ViciValue value(String field) throws ViciFormatException {
            need(2, field + " length");
            int len = ((b[pos] & 0xFF) << 8) | (b[pos + 1] & 0xFF);
            pos += 2;
            need(len, field);
            byte[] v = java.util.Arrays.copyOfRange(b, pos, pos + len);
            pos += len;
            return ViciValue.of(v);
        }
    }
}
