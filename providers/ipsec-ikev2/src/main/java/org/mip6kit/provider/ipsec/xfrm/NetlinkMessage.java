package org.mip6kit.provider.ipsec.xfrm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One netlink message: {@code nlmsghdr}, a fixed struct, then attributes.
 *
 * <pre>
 *  0 nlmsg_len (u32)  4 nlmsg_type (u16)  6 nlmsg_flags (u16)  8 nlmsg_seq (u32)  12 nlmsg_pid (u32)
 * 16 fixed struct (length depends on the type), padded to 4
 *    attributes: rta_len (u16, header + value), rta_type (u16), value, padding to 4
 * </pre>
 *
 * All netlink integers are in host order (little endian on x86_64), given explicitly as a
 * {@link ByteOrder}; {@link ByteOrder#nativeOrder()} is the one to use against the local kernel.
 *
 * @param type message type, see {@link XfrmMessageTypes}
 * @param fixed the fixed struct (copied)
 * @param attributes the attributes, in order
 */
public record NetlinkMessage(int type, int flags, int seq, int pid, byte[] fixed, List<Attribute> attributes) {
    public static final int HEADER_SIZE = 16;
    public static final int NLM_F_REQUEST = 0x1;
    public static final int NLM_F_ACK = 0x4;
    public static final int NLM_F_DUMP = 0x300;
    public static final int NLMSG_ERROR = 2;
    public static final int NLMSG_DONE = 3;

    /** One rtattr/nlattr. */
    public record Attribute(int type, byte[] value) {
        public Attribute {
            StructWriter.checkU16("rta_type", type);
            value = value.clone();
            if (value.length > 0xffff - 4) throw new IllegalArgumentException("attribute too long");
        }

        @Override public byte[] value() { return value.clone(); }

        @Override public boolean equals(Object o) {
            return o instanceof Attribute a && a.type == type && Arrays.equals(a.value, value);
        }

        @Override public int hashCode() { return 31 * type + Arrays.hashCode(value); }

        @Override public String toString() { return "Attribute[type=" + type + ", length=" + value.length + "]"; }
    }

    public NetlinkMessage {
        StructWriter.checkU16("nlmsg_type", type);
        StructWriter.checkU16("nlmsg_flags", flags);
        fixed = fixed.clone();
        attributes = List.copyOf(attributes);
    }

    @Override public byte[] fixed() { return fixed.clone(); }

    @Override public boolean equals(Object o) {
        return o instanceof NetlinkMessage m && m.type == type && m.flags == flags && m.seq == seq && m.pid == pid
                && Arrays.equals(m.fixed, fixed) && m.attributes.equals(attributes);
    }

    @Override public int hashCode() { return Arrays.hashCode(fixed) * 31 + attributes.hashCode() + type; }

    @Override public String toString() {
        return "NetlinkMessage[type=" + type + ", flags=0x" + Integer.toHexString(flags) + ", seq=" + seq
                + ", fixed=" + fixed.length + " octets, attributes=" + attributes + "]";
    }

    static int align4(int n) { return (n + 3) & ~3; }

    /** The message's octets, {@code nlmsg_len} set to the total length. */
    public byte[] encode(ByteOrder order) {
        int length = HEADER_SIZE + align4(fixed.length);
        for (Attribute a : attributes) length += align4(4 + a.value.length);
        ByteBuffer out = ByteBuffer.allocate(length).order(order);
        out.putInt(length).putShort((short) type).putShort((short) flags).putInt(seq).putInt(pid);
        out.put(fixed).position(HEADER_SIZE + align4(fixed.length));
        for (Attribute a : attributes) {
            int start = out.position();
            out.putShort((short) (4 + a.value.length)).putShort((short) a.type).put(a.value);
            out.position(start + align4(4 + a.value.length));
        }
        return out.array();
    }

    /**
     * Decodes exactly one message filling {@code data}, with a fixed struct of {@code fixedSize}
     * octets. Rejects a length field that disagrees with the data, a short fixed part, an attribute
     * whose length is below 4 or runs past the message, and trailing octets.
     */
    public static NetlinkMessage decode(byte[] data, ByteOrder order, int fixedSize) throws NetlinkFormatException {
        StructReader r = new StructReader(data, 0, data.length, order);
        int length = r.u32("nlmsghdr.nlmsg_len", 0);
        if (length < HEADER_SIZE || length != data.length) {
            throw new NetlinkFormatException("nlmsghdr.nlmsg_len", 0,
                    "is " + Integer.toUnsignedString(length) + ", message has " + data.length + " octets");
        }
        int type = r.u16("nlmsghdr.nlmsg_type", 4);
        int flags = r.u16("nlmsghdr.nlmsg_flags", 6);
        int seq = r.u32("nlmsghdr.nlmsg_seq", 8);
        int pid = r.u32("nlmsghdr.nlmsg_pid", 12);
        byte[] fixed = r.bytes("fixed struct of type " + type, HEADER_SIZE, fixedSize);
        List<Attribute> attributes = new ArrayList<>();
        int at = HEADER_SIZE + align4(fixedSize);
        if (at > length && HEADER_SIZE + fixedSize == length) at = length;
        while (at < length) {
            int rtaLen = r.u16("rtattr.rta_len", at);
            int rtaType = r.u16("rtattr.rta_type", at + 2);
            if (rtaLen < 4) throw new NetlinkFormatException("rtattr.rta_len", at, "below the 4-octet header: " + rtaLen);
            byte[] value = r.bytes("rtattr value of type " + rtaType, at + 4, rtaLen - 4);
            attributes.add(new Attribute(rtaType, value));
            int next = at + align4(rtaLen);
            if (next > length) {
                if (at + rtaLen == length) break; // last attribute may omit its padding
                throw new NetlinkFormatException("rtattr padding", at + rtaLen, "runs past the message");
            }
            at = next;
        }
        return new NetlinkMessage(type, flags, seq, pid, fixed, attributes);
    }
}
