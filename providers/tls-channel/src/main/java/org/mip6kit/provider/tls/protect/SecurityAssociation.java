package org.mip6kit.provider.tls.protect;

import java.time.Instant;
import java.util.Objects;

/**
 * The security association a Home Agent Controller assigns to a mobile node (RFC 6618 §5.6.5):
 * an SPI, a suite, keys for each {@link Direction} and the instant after which the association
 * must not be used ({@code mip6-sa-validity-end}); the mobile node goes back to the controller
 * before then (RFC 6618 §4.3).
 *
 * <pre>
 *   mip6-spi               SPI, 28 bits, 1..268435455 (0 is reserved for PType 0 packets)
 *   mip6-sa-ciphersuite    {@link Suite}
 *   mip6-mn-to-ha-ikey/-ekey   {@link #keys(Direction) keys(MN_TO_HA)}
 *   mip6-ha-to-mn-ikey/-ekey   {@link #keys(Direction) keys(HA_TO_MN)}
 *   mip6-sa-validity-end   {@link #validityEnd()}
 * </pre>
 *
 * Immutable; the constructor checks every key length against the suite. {@link #toString()}
 * never shows key octets.
 */
public final class SecurityAssociation {

    /** The largest SPI: 28 bits. */
    public static final int MAX_SPI = (1 << 28) - 1;

    private final int spi;
    private final Suite suite;
    private final DirectionKeys mnToHa;
    private final DirectionKeys haToMn;
    private final Instant validityEnd;

    /**
     * @param spi         1..268435455
     * @param suite       the protection suite
     * @param mnToHa      keys protecting mobile node → home agent packets
     * @param haToMn      keys protecting home agent → mobile node packets
     * @param validityEnd the association must not be used after this instant
     * @throws IllegalArgumentException if the SPI is out of range or a key has the wrong length
     *         for the suite (the message names the field, never the key octets)
     */
    public SecurityAssociation(int spi, Suite suite, DirectionKeys mnToHa, DirectionKeys haToMn, Instant validityEnd) {
        if (spi < 1 || spi > MAX_SPI) {
            throw new IllegalArgumentException("mip6-spi " + spi + " out of range 1.." + MAX_SPI + " (RFC 6618 §5.6.5)");
        }
        this.spi = spi;
        this.suite = Objects.requireNonNull(suite, "suite");
        this.mnToHa = checked(Objects.requireNonNull(mnToHa, "mnToHa"), suite, "mip6-mn-to-ha");
        this.haToMn = checked(Objects.requireNonNull(haToMn, "haToMn"), suite, "mip6-ha-to-mn");
        this.validityEnd = Objects.requireNonNull(validityEnd, "validityEnd");
    }

    private static DirectionKeys checked(DirectionKeys keys, Suite suite, String field) {
        if (keys.integrityKeyLength() != suite.integrityKeyLength()) {
            throw new IllegalArgumentException(field + "-ikey has " + keys.integrityKeyLength() + " octets; "
                    + suite.rfcName() + " needs " + suite.integrityKeyLength());
        }
        if (keys.encryptionKeyLength() != suite.encryptionKeyLength()) {
            throw new IllegalArgumentException(field + "-ekey has " + keys.encryptionKeyLength() + " octets; "
                    + suite.rfcName() + " needs " + suite.encryptionKeyLength());
        }
        return keys;
    }

    /** The 28-bit SPI. */
    public int spi() {
        return spi;
    }

    /** The protection suite. */
    public Suite suite() {
        return suite;
    }

    /** The keys of one direction. */
    public DirectionKeys keys(Direction direction) {
        return direction == Direction.MN_TO_HA ? mnToHa : haToMn;
    }

    /** The instant after which the association must not be used. */
    public Instant validityEnd() {
        return validityEnd;
    }

    /** Whether the association may still be used at {@code now} (up to and including its validity end). */
    public boolean isValidAt(Instant now) {
        return !now.isAfter(validityEnd);
    }

    /** SPI, suite and validity end; never key octets. */
    @Override
    public String toString() {
        return "SecurityAssociation[spi=" + spi + ", suite=" + suite.rfcName() + ", mnToHa=" + mnToHa + ", haToMn="
                + haToMn + ", validityEnd=" + validityEnd + "]";
    }
}
