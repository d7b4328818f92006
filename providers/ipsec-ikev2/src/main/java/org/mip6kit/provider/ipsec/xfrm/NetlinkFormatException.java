package org.mip6kit.provider.ipsec.xfrm;

/**
 * A netlink or XFRM message that cannot be decoded: too short, a length that points outside its
 * window, an unknown address family, trailing bytes. Names the field and its offset from the start
 * of the message. The kernel never sends such a message; seeing one means a framing bug on our side
 * or a kernel ABI we do not know, so the receiver drops the message and reports it.
 */
public final class NetlinkFormatException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String field;
    private final int offset;

    public NetlinkFormatException(String field, int offset, String problem) {
        super(field + " at offset " + offset + ": " + problem);
        this.field = field;
        this.offset = offset;
    }

    /** The field being read, e.g. {@code "nlmsghdr.nlmsg_len"}. */
    public String field() { return field; }

    /** Octet offset of that field from the start of the netlink message. */
    public int offset() { return offset; }
}
