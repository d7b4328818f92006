package org.mip6kit.provider.tls;

import java.util.Objects;
import java.util.Optional;

import org.mip6kit.wire.Ipv6Address;

/**
 * The home address assignment of mode {@code dtls} (mip6kit's own, not an IETF standard): one
 * request from the mobile node and one answer from the home agent, each a single DTLS
 * application record on the association, before any Mobility Header. The home agent answers with
 * the home address it adopted or allocated for the identity the handshake authenticated (through
 * the engine's home address book, so the engine's ownership check, status 129, applies to it) and
 * its own address. Immutable.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Marker = 255  |  Version = 1  |     Type      |    Status     |   octets 0..3
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        Transaction ID                         |   octets 4..7
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * +                     Home Address (16 octets)                  +   octets 8..23
 * |        request: the address asked for, :: for "any";          |
 * +        answer: the address assigned, :: when refused          +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * +                  Home Agent Address (16 octets)               +   octets 24..39
 * |        request: ::; answer: the home agent's own address      |
 * +                                                               +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   Type:   1 request (mobile node to home agent), 2 answer (home agent to mobile node)
 *   Status: 0 in a request; in an answer 0 assigned, 1 the address asked for is not available,
 *           2 no home address is free
 *   exactly 40 octets; a Transaction ID in an answer echoes the request's
 * </pre>
 *
 * <p><b>Never a Mobility Header.</b> Every other record on the association carries a Mobility
 * Header, whose first octet is its Payload Proto (RFC 6275 §6.1.1: senders set IPPROTO_NONE, 59;
 * this mode's senders always do). A record whose first octet is 255 — the IANA protocol number
 * "Reserved", never a next header — is an assignment message; any other record goes to the
 * engine as a Mobility Header. So no Mobility Header a mobile node of this mode sends can be
 * mistaken for an assignment, and the decision needs the first octet only.
 */
record DtlsAssignment(Type type, int status, int transactionId, Optional<Ipv6Address> homeAddress,
                      Optional<Ipv6Address> homeAgent) {

    /** The first octet of every assignment record. */
    static final int MARKER = 255;
    static final int VERSION = 1;
    static final int LENGTH = 40;
    static final int ASSIGNED = 0;
    static final int NOT_AVAILABLE = 1;
    static final int NONE_FREE = 2;

    /** The message types. */
    enum Type {
        REQUEST(1),
        ANSWER(2);

        final int code;

        Type(int code) {
            this.code = code;
        }
    }

    DtlsAssignment {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(homeAddress, "homeAddress");
        Objects.requireNonNull(homeAgent, "homeAgent");
        if (status < 0 || status > 2 || (type == Type.REQUEST && status != ASSIGNED)) {
            throw new IllegalArgumentException("status " + status + " is not valid in a " + type);
        }
        if (homeAddress.filter(Ipv6Address.UNSPECIFIED::equals).isPresent()
                || homeAgent.filter(Ipv6Address.UNSPECIFIED::equals).isPresent()) {
            throw new IllegalArgumentException(":: stands for 'none' on the wire; use Optional.empty()");
        }
        if (type == Type.REQUEST && homeAgent.isPresent()) {
            throw new IllegalArgumentException("a request names no home agent");
        }
        if (type == Type.ANSWER && status == ASSIGNED && (homeAddress.isEmpty() || homeAgent.isEmpty())) {
            throw new IllegalArgumentException("an assignment names the home address and the home agent");
        }
        if (type == Type.ANSWER && status != ASSIGNED && homeAddress.isPresent()) {
            throw new IllegalArgumentException("a refusal assigns no home address");
        }
    }

    static DtlsAssignment request(int transactionId, Optional<Ipv6Address> wanted) {
        return new DtlsAssignment(Type.REQUEST, ASSIGNED, transactionId, wanted, Optional.empty());
    }

    static DtlsAssignment assigned(int transactionId, Ipv6Address homeAddress, Ipv6Address homeAgent) {
        return new DtlsAssignment(Type.ANSWER, ASSIGNED, transactionId, Optional.of(homeAddress), Optional.of(homeAgent));
    }

    static DtlsAssignment refused(int transactionId, int status, Ipv6Address homeAgent) {
        return new DtlsAssignment(Type.ANSWER, status, transactionId, Optional.empty(), Optional.of(homeAgent));
    }

    /** Whether a record is an assignment message rather than a Mobility Header (its first octet only). */
    static boolean isAssignment(byte[] record) {
        return record.length > 0 && (record[0] & 0xFF) == MARKER;
    }

    byte[] encode() {
        byte[] b = new byte[LENGTH];
        b[0] = (byte) MARKER;
        b[1] = VERSION;
        b[2] = (byte) type.code;
        b[3] = (byte) status;
        b[4] = (byte) (transactionId >>> 24);
        b[5] = (byte) (transactionId >>> 16);
        b[6] = (byte) (transactionId >>> 8);
        b[7] = (byte) transactionId;
        homeAddress.ifPresent(a -> System.arraycopy(a.toBytes(), 0, b, 8, 16));
        homeAgent.ifPresent(a -> System.arraycopy(a.toBytes(), 0, b, 24, 16));
        return b;
    }

    /**
     * Decodes one record strictly: exactly {@value #LENGTH} octets, the marker, version 1, a known
     * type, a status valid for it, and addresses as the type requires.
     *
     * @throws AssignmentFormatException naming the field and its offset; the record is then dropped
     */
    static DtlsAssignment decode(byte[] b) throws AssignmentFormatException {
        if (b.length != LENGTH) {
            throw new AssignmentFormatException("length", 0, "must be " + LENGTH + " octets, got " + b.length);
        }
        if ((b[0] & 0xFF) != MARKER) {
            throw new AssignmentFormatException("marker", 0, "must be " + MARKER + ", got " + (b[0] & 0xFF));
        }
        if (b[1] != VERSION) {
            throw new AssignmentFormatException("version", 1, "must be " + VERSION + ", got " + (b[1] & 0xFF));
        }
        Type type = switch (b[2]) {
            case 1 -> Type.REQUEST;
            case 2 -> Type.ANSWER;
            default -> throw new AssignmentFormatException("type", 2, "unknown type " + (b[2] & 0xFF));
        };
        int status = b[3] & 0xFF;
        if (status > 2 || (type == Type.REQUEST && status != 0)) {
            throw new AssignmentFormatException("status", 3, "status " + status + " is not valid in a " + type);
        }
        int id = ((b[4] & 0xFF) << 24) | ((b[5] & 0xFF) << 16) | ((b[6] & 0xFF) << 8) | (b[7] & 0xFF);
        Optional<Ipv6Address> hoa = address(b, 8);
        Optional<Ipv6Address> ha = address(b, 24);
        try {
            return new DtlsAssignment(type, status, id, hoa, ha);
        } catch (IllegalArgumentException e) {
            throw new AssignmentFormatException(type == Type.REQUEST ? "home agent address" : "home address",
                    type == Type.REQUEST ? 24 : 8, e.getMessage());
        }
    }

    private static Optional<Ipv6Address> address(byte[] b, int offset) {
        byte[] a = new byte[16];
        System.arraycopy(b, offset, a, 0, 16);
        Ipv6Address address = Ipv6Address.fromBytes(a);
        return address.equals(Ipv6Address.UNSPECIFIED) ? Optional.empty() : Optional.of(address);
    }

    /** A malformed assignment record: which field, at which offset, and why. Silently dropped by both sides. */
    static final class AssignmentFormatException extends Exception {
        private static final long serialVersionUID = 1L;

        AssignmentFormatException(String field, int offset, String problem) {
            super("assignment record: " + field + " at offset " + offset + ": " + problem);
        }
    }
}
