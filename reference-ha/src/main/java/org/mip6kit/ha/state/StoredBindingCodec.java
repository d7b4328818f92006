package org.mip6kit.ha.state;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.mip6kit.engine.BindingRecord;
import org.mip6kit.engine.StoredBinding;
import org.mip6kit.spi.BindingChange;
import org.mip6kit.spi.HomeAgentSecurity;
import org.mip6kit.spi.Identity;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobileNetworkPrefix;
import org.mip6kit.wire.SequenceNumber;

/**
 * One journal or snapshot entry's payload (the framing, length and CRC, is {@link BindingJournal}'s).
 * All integers big-endian.
 * <pre>
 *  PUT (op 1)                                REMOVE (op 2)
 *  +----+------------------+                 +----+------------------+
 *  | op | home address (16)|                 | op | home address (16)|
 *  +----+----+-------------+                 +----+------------------+
 *  |kind|st. | care-of address (16)          kind: 1 CREATED 2 MOVED 3 REFRESHED
 *  +----+----+-----------+-----------+----+        4 DELETED 5 EXPIRED 6 REVOKED
 *  | sequence (2)| lifetime units (2)|flags|      st.: 1 bound 2 replay hold
 *  +-------------+-------------------+-----+      flags: 1 R, 2 K
 *  | expires at, ms since the epoch (8)    |
 *  +---+-----------------------------------+
 *  |len| identity kind name (ASCII, len)   |
 *  +---+---+-------------------------------+
 *  | len (2)| identity value (UTF-8, len)  |
 *  +---+----+-------------------------------+
 *  |o  | outer peer: o = 0 none, 4: IPv4 (4) + port (2), 6: IPv6 (16) + port (2)
 *  +---+--------+----------------------------+
 *  | len (2)    | provider record (len)      |
 *  +---+--------+----------------------------+
 *  | n | n mobile network prefixes (RFC 3963), each: length (1) + prefix (16)
 *  +---+-------------------------------------+
 * </pre>
 * The identity kind is stored by name, so reordering {@link Identity.Kind} does not change the
 * meaning of a stored entry. Decoding is strict: a field out of range or trailing octets is a
 * {@link IllegalArgumentException} naming the field.
 */
final class StoredBindingCodec {

    static final byte PUT = 1;
    static final byte REMOVE = 2;
    /** Where the state octet and the expiry sit in a PUT payload (read without decoding it all). */
    static final int STATE_OFFSET = 18;
    static final int EXPIRY_OFFSET = 40;
    private static final BindingChange.Kind[] KINDS = {null, BindingChange.Kind.CREATED, BindingChange.Kind.MOVED,
        BindingChange.Kind.REFRESHED, BindingChange.Kind.DELETED, BindingChange.Kind.EXPIRED,
        BindingChange.Kind.REVOKED};
    private static final byte BOUND = 1;
    private static final byte HOLD = 2;
    /** Mobile network prefixes one entry can hold (a count octet). */
    static final int MAX_PREFIXES = 255;

    private StoredBindingCodec() {
    }

    static byte[] put(StoredBinding s) {
        BindingRecord r = s.binding();
        byte[] kindName = r.identity().kind().name().getBytes(StandardCharsets.US_ASCII);
        byte[] value = r.identity().value().getBytes(StandardCharsets.UTF_8);
        byte[] provider = s.providerRecord();
        InetAddress outer = r.outerPeer().map(InetSocketAddress::getAddress).orElse(null);
        int outerLength = outer == null ? 1 : 1 + outer.getAddress().length + 2;
        List<MobileNetworkPrefix> prefixes = r.mobileNetworkPrefixes();
        if (prefixes.size() > MAX_PREFIXES) {
            throw new IllegalArgumentException("at most " + MAX_PREFIXES + " mobile network prefixes are stored, got "
                    + prefixes.size());
        }
        ByteBuffer b = ByteBuffer.allocate(EXPIRY_OFFSET + 8 + 1 + kindName.length + 2 + value.length + outerLength
                + 2 + provider.length + 1 + 17 * prefixes.size());
        b.put(PUT).put(r.homeAddress().toBytes());
        b.put((byte) code(s.change())).put(r.isBound() ? BOUND : HOLD).put(r.careOfAddress().toBytes());
        b.putShort((short) r.sequence().value()).putShort((short) r.lifetime().units());
        b.put((byte) ((r.mobileRouter() ? 1 : 0) | (r.keyManagementMobility() ? 2 : 0)));
        b.putLong(r.expiresAt().toEpochMilli());
        b.put((byte) kindName.length).put(kindName).putShort((short) value.length).put(value);
        if (outer == null) {
            b.put((byte) 0);
        } else {
            byte[] a = outer.getAddress();
            b.put((byte) (a.length == 4 ? 4 : 6)).put(a).putShort((short) r.outerPeer().get().getPort());
        }
        b.putShort((short) provider.length).put(provider);
        b.put((byte) prefixes.size());
        for (MobileNetworkPrefix p : prefixes) {
            b.put((byte) p.prefixLength()).put(p.prefix().toBytes());
        }
        return b.array();
    }

    static byte[] remove(Ipv6Address homeAddress) {
        return ByteBuffer.allocate(17).put(REMOVE).put(homeAddress.toBytes()).array();
    }

    static Ipv6Address homeAddressOf(byte[] payload) {
        if (payload.length < 17) {
            throw new IllegalArgumentException("an entry of " + payload.length + " octets has no home address");
        }
        return Ipv6Address.fromBytes(payload, 1);
    }

    static StoredBinding decode(byte[] payload) {
        ByteBuffer b = ByteBuffer.wrap(payload);
        try {
            if (b.get() != PUT) {
                throw new IllegalArgumentException("op: not a PUT entry");
            }
            Ipv6Address hoa = address(b);
            int kindCode = b.get();
            if (kindCode < 1 || kindCode >= KINDS.length) {
                throw new IllegalArgumentException("kind: unknown change code " + kindCode);
            }
            byte state = b.get();
            if (state != BOUND && state != HOLD) {
                throw new IllegalArgumentException("state: unknown code " + state);
            }
            Ipv6Address coa = address(b);
            SequenceNumber seq = SequenceNumber.of(Short.toUnsignedInt(b.getShort()));
            Lifetime lifetime = Lifetime.ofUnits(Short.toUnsignedInt(b.getShort()));
            int flags = b.get();
            if ((flags & ~3) != 0) {
                throw new IllegalArgumentException("flags: unknown bits " + flags);
            }
            Instant expires = Instant.ofEpochMilli(b.getLong());
            byte[] kindName = new byte[Byte.toUnsignedInt(b.get())];
            b.get(kindName);
            Identity.Kind idKind;
            try {
                idKind = Identity.Kind.valueOf(new String(kindName, StandardCharsets.US_ASCII));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("identity kind: unknown name", e);
            }
            byte[] value = new byte[Short.toUnsignedInt(b.getShort())];
            b.get(value);
            Identity identity = new Identity(idKind, new String(value, StandardCharsets.UTF_8));
            Optional<InetSocketAddress> outer = outer(b);
            int providerLength = Short.toUnsignedInt(b.getShort());
            if (providerLength > HomeAgentSecurity.MAX_BINDING_RECORD_OCTETS) {
                throw new IllegalArgumentException("provider record: " + providerLength + " octets");
            }
            byte[] provider = new byte[providerLength];
            b.get(provider);
            int prefixCount = Byte.toUnsignedInt(b.get());
            if (prefixCount > MAX_PREFIXES) {
                throw new IllegalArgumentException("mobile network prefixes: " + prefixCount);
            }
            List<MobileNetworkPrefix> prefixes = new ArrayList<>(prefixCount);
            for (int i = 0; i < prefixCount; i++) {
                int length = Byte.toUnsignedInt(b.get());
                if (length > 128) {
                    throw new IllegalArgumentException("mobile network prefix " + i + ": length " + length);
                }
                prefixes.add(new MobileNetworkPrefix(length, address(b)));
            }
            if (b.hasRemaining()) {
                throw new IllegalArgumentException(b.remaining() + " trailing octets");
            }
            BindingRecord r = new BindingRecord(state == BOUND ? BindingRecord.State.BOUND
                    : BindingRecord.State.REPLAY_HOLD, hoa, coa, seq, lifetime, (flags & 1) != 0, (flags & 2) != 0,
                    identity, expires, outer, prefixes);
            return new StoredBinding(KINDS[kindCode], r, provider);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("the entry ends early (" + payload.length + " octets)", e);
        }
    }

    private static Ipv6Address address(ByteBuffer b) {
        byte[] a = new byte[16];
        b.get(a);
        return Ipv6Address.fromBytes(a);
    }

    private static Optional<InetSocketAddress> outer(ByteBuffer b) {
        int type = b.get();
        if (type == 0) {
            return Optional.empty();
        }
        if (type != 4 && type != 6) {
            throw new IllegalArgumentException("outer peer: unknown type " + type);
        }
        byte[] a = new byte[type == 4 ? 4 : 16];
        b.get(a);
        int port = Short.toUnsignedInt(b.getShort());
        try {
            return Optional.of(new InetSocketAddress(InetAddress.getByAddress(a), port));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("outer peer: " + e.getMessage(), e);
        }
    }

    private static int code(BindingChange.Kind kind) {
        for (int i = 1; i < KINDS.length; i++) {
            if (KINDS[i] == kind) {
                return i;
            }
        }
        throw new IllegalArgumentException("no code for " + kind);
    }
}
