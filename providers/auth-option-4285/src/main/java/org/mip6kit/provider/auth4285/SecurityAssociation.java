package org.mip6kit.provider.auth4285;

import java.security.GeneralSecurityException;
import java.util.Arrays;

import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.ShortBufferException;

import org.mip6kit.spi.Identity;
import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.wire.MobilityHeaderCodec;

/**
 * A shared-key mobility security association between a mobile node and its home agent (RFC
 * 4285 §5.1): the mobility SPI that names it, the mobile node's NAI it belongs to, the
 * algorithm (HMAC_SHA1) and the key. Replay protection is by timestamp (RFC 4285 §6), kept
 * elsewhere.
 *
 * <p>A view of one row of a {@link KeyTable}, cheap to create: the table holds the fields. An
 * association made with the constructor gets a table of its own.
 *
 * <p>Computes the MN-HA authenticator
 * <pre>
 *   Authenticator = First96( HMAC_SHA1( key, care-of address ‖ home address ‖ MH Data ) )
 *   MH Data       = Mobility Header octets from Payload Proto up to and including the SPI of
 *                   the authentication option, with the Checksum field taken as 0
 * </pre>
 * One {@link Mac} per thread and algorithm is reused. It is re-keyed only when the association
 * changes from the one it last served on that thread, so a home agent that verifies a Binding
 * Update and then signs the answer with the same association keys the {@code Mac} once. Signing
 * and verifying allocate nothing but the copy of the key the JDK takes (and zeroes) on re-keying.
 *
 * <p>Thread-safe. {@link #toString()} names the SPI and NAI only; the key is never shown.
 */
final class SecurityAssociation {

    /** The shortest key accepted (RFC 4285 §5.1 describes 16-octet keys). */
    static final int MIN_KEY_LENGTH = 16;
    /** The longest key accepted (one HMAC-SHA1 block). */
    static final int MAX_KEY_LENGTH = 64;

    private static final byte[] ZERO_CHECKSUM = new byte[2];
    private static final ThreadLocal<Macs> MACS = ThreadLocal.withInitial(Macs::new);

    private final KeyTable table;
    private final int row;

    /** An association of its own (a mobile node's, or one an AAA server distributed). */
    SecurityAssociation(String nai, long spi, Algorithm algorithm, byte[] keyBytes) {
        this(KeyTable.of(nai, spi, algorithm, keyBytes), 0);
    }

    /** Row {@code row} of {@code table}. */
    SecurityAssociation(KeyTable table, int row) {
        this.table = table;
        this.row = row;
    }

    String nai() {
        return table.owner(row).value();
    }

    /** The same instance for every association of the NAI, so the home agent's binding cache shares it instead of copying it. */
    Identity identity() {
        return table.owner(row);
    }

    long spi() {
        return table.spi(row);
    }

    Algorithm algorithm() {
        return table.algorithm(row);
    }

    /**
     * The MN-HA authenticator of the message in {@code mh} whose authentication option starts at
     * {@code optionOffset} (see {@link AuthenticatorLocation#find}), for {@code addresses}.
     */
    byte[] authenticate(AuthenticatedAddresses addresses, byte[] mh, int optionOffset) {
        Macs macs = MACS.get();
        digest(macs, addresses, mh, optionOffset);
        return Arrays.copyOfRange(macs.scratch, 32, 32 + MobilityMessageAuthentication.MN_HA_AUTHENTICATOR_LENGTH);
    }

    /**
     * Whether the authenticator stored in {@code mh} after the SPI is right, compared in
     * constant time (every octet is looked at, whatever differs).
     */
    boolean verifies(AuthenticatedAddresses addresses, byte[] mh, int optionOffset) {
        int length = (mh[optionOffset + 1] & 0xFF) - 5;
        if (length != MobilityMessageAuthentication.MN_HA_AUTHENTICATOR_LENGTH) {
            return false;
        }
        Macs macs = MACS.get();
        digest(macs, addresses, mh, optionOffset);
        int at = optionOffset + MobilityMessageAuthentication.OFFSET_AFTER_SPI;
        int difference = 0;
        for (int i = 0; i < length; i++) {
            difference |= macs.scratch[32 + i] ^ mh[at + i];
        }
        return difference == 0;
    }

    /** Writes the authenticator into {@code mh} after the SPI of the option at {@code optionOffset}. */
    void sign(AuthenticatedAddresses addresses, byte[] mh, int optionOffset) {
        Macs macs = MACS.get();
        digest(macs, addresses, mh, optionOffset);
        System.arraycopy(macs.scratch, 32, mh, optionOffset + MobilityMessageAuthentication.OFFSET_AFTER_SPI,
                MobilityMessageAuthentication.MN_HA_AUTHENTICATOR_LENGTH);
    }

    private void digest(Macs macs, AuthenticatedAddresses addresses, byte[] mh, int optionOffset) {
        Mac mac = macs.keyedFor(table, row);
        byte[] scratch = macs.scratch;
        addresses.careOf().writeTo(scratch, 0);
        addresses.homeAddress().writeTo(scratch, 16);
        int end = optionOffset + MobilityMessageAuthentication.OFFSET_AFTER_SPI;
        mac.update(scratch, 0, 32);
        mac.update(mh, 0, MobilityHeaderCodec.CHECKSUM_OFFSET);
        mac.update(ZERO_CHECKSUM, 0, 2);
        mac.update(mh, MobilityHeaderCodec.CHECKSUM_OFFSET + 2, end - MobilityHeaderCodec.CHECKSUM_OFFSET - 2);
        try {
            mac.doFinal(scratch, 32);
        } catch (ShortBufferException e) {
            throw new IllegalStateException("HMAC-SHA1 output is 20 octets", e);
        }
    }

    /** Fails with a {@link SecurityProviderException} if this JVM cannot compute {@code algorithm}. */
    static void requireAvailable(Algorithm algorithm) {
        MACS.get().mac(algorithm);
    }

    /** Views of one row are equal. */
    @Override
    public boolean equals(Object o) {
        return o instanceof SecurityAssociation sa && sa.table == table && sa.row == row;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(table) * 31 + row;
    }

    @Override
    public String toString() {
        return "SecurityAssociation[spi=" + spi() + ", nai=" + nai() + ", " + algorithm().configName() + "]";
    }

    /**
     * One thread's {@link Mac}s (one per algorithm), the row each was last keyed for, and a
     * scratch buffer: the addresses (32 octets), then the HMAC output (20 octets).
     */
    private static final class Macs {
        final byte[] scratch = new byte[32 + 20];
        private final Mac[] macs = new Mac[Algorithm.values().length];
        private final RowKey key = new RowKey();
        /** What {@code keyedMac} is keyed for: a table's serial (not the table, which may be large) and a row. */
        private long keyedTable;
        private int keyedRow = -1;
        private Mac keyedMac;

        /**
         * The {@link Mac} for row {@code row} of {@code table}, keyed with its key. A {@code Mac}
         * is back at its keyed start after {@code doFinal}; {@code reset()} also recovers one an
         * exception left half-way.
         */
        Mac keyedFor(KeyTable table, int row) {
            Mac mac = mac(table.algorithm(row));
            if (mac == keyedMac && table.serial == keyedTable && row == keyedRow) {
                mac.reset();
                return mac;
            }
            keyedMac = null;
            key.select(table, row);
            try {
                mac.init(key);
            } catch (GeneralSecurityException e) {
                throw new SecurityProviderException(table.algorithm(row).jcaName() + " refused a key of "
                        + table.keyLength(row) + " octets (" + e.getClass().getSimpleName() + ")", e);
            } finally {
                key.select(null, 0);
            }
            keyedTable = table.serial;
            keyedRow = row;
            keyedMac = mac;
            return mac;
        }

        Mac mac(Algorithm algorithm) {
            Mac mac = macs[algorithm.ordinal()];
            if (mac == null) {
                try {
                    mac = Mac.getInstance(algorithm.jcaName());
                } catch (GeneralSecurityException e) {
                    throw new SecurityProviderException(algorithm.jcaName() + " is not available in this JVM ("
                            + e.getClass().getSimpleName() + "); auth-option-4285 needs it", e);
                }
                macs[algorithm.ordinal()] = mac;
            }
            return mac;
        }
    }

    /**
     * The key of one row, handed to {@link Mac#init}: the JDK's HMAC takes a copy with
     * {@link #getEncoded()} and zeroes that copy once it has derived its pads. Selected only for
     * the duration of one {@code init}; never serialised or shown.
     */
    private static final class RowKey implements SecretKey {
        private static final long serialVersionUID = 1L;
        private transient KeyTable table;
        private transient int row;

        void select(KeyTable t, int r) {
            table = t;
            row = r;
        }

        @Override
        public String getAlgorithm() {
            return table.algorithm(row).jcaName();
        }

        @Override
        public String getFormat() {
            return "RAW";
        }

        @Override
        public byte[] getEncoded() {
            int from = table.keyOffset(row);
            return Arrays.copyOfRange(table.keyMaterial(), from, from + table.keyLength(row));
        }

        @Override
        public String toString() {
            return "RowKey[hidden]";
        }
    }
}
