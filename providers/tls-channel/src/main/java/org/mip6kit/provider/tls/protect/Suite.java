package org.mip6kit.provider.tls.protect;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The protection suites an RFC 6618 security association can use after bootstrap (RFC 6618
 * §5.6.5, §6): each is named after a TLS 1.2 cipher suite and mapped to ESP algorithms (RFC 4303
 * §2.4–2.8) — an integrity algorithm that always runs, and an encryption algorithm that may be
 * NULL.
 *
 * <pre>
 *   name               TLS code point  integrity (ESP)   encryption (ESP)  keys (integrity/encryption)
 *   NULL_SHA           0x0002          HMAC-SHA1-96      NULL              20 / 0 octets
 *   3DES_EDE_CBC_SHA   0x000A          HMAC-SHA1-96      3DES-CBC          20 / 24 octets
 *   AES_128_CBC_SHA    0x002F          HMAC-SHA1-96      AES-128-CBC       20 / 16 octets
 * </pre>
 *
 * The two suites with SHA256 in their name map to AES-XCBC-MAC-96, which the JDK does not
 * offer; {@link #parse(String)} recognises them and says they are not supported instead of
 * pretending they do not exist.
 *
 * <p>Textual forms: {@link #name()} is the short name as RFC 6618 lists it
 * ({@code AES_128_CBC_SHA}); {@link #tlsName()} is the IANA TLS name of the code point
 * ({@code TLS_RSA_WITH_AES_128_CBC_SHA} — the key exchange part means nothing here);
 * {@link #wireName()} is the code point as four hex digits ({@code 002F}), the form this package
 * writes into {@code mip6-sa-ciphersuite}. {@link #parse(String)} accepts all three, case
 * insensitively, with or without {@code 0x}.
 *
 * <p>Only JCA algorithms are used ({@code HmacSHA1}, {@code AES/CBC/NoPadding},
 * {@code DESede/CBC/NoPadding}); there is no cryptography of our own.
 */
public enum Suite {
    /** HMAC-SHA1-96 integrity, no confidentiality (ESP NULL encryption, RFC 2410). */
    NULL_SHA(0x0002, "TLS_RSA_WITH_NULL_SHA", null, null, 0, 1, 0),
    /** HMAC-SHA1-96 integrity with 3DES-CBC (RFC 2451): 8-octet blocks and IV, 24-octet key. */
    TRIPLE_DES_EDE_CBC_SHA(0x000A, "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "DESede/CBC/NoPadding", "DESede", 24, 8, 8),
    /** HMAC-SHA1-96 integrity with AES-128-CBC (RFC 3602): 16-octet blocks, IV and key. */
    AES_128_CBC_SHA(0x002F, "TLS_RSA_WITH_AES_128_CBC_SHA", "AES/CBC/NoPadding", "AES", 16, 16, 16);

    /** HMAC-SHA1 keys are the size of its output (RFC 2404 §3). */
    static final int INTEGRITY_KEY_LENGTH = 20;
    /** HMAC-SHA1-96: the ICV is the first 96 bits of the HMAC (RFC 2404 §2). */
    static final int ICV_LENGTH = 12;
    static final String MAC_ALGORITHM = "HmacSHA1";

    private final int codePoint;
    private final String tlsName;
    private final String transformation;
    private final String keyAlgorithm;
    private final int encryptionKeyLength;
    private final int blockSize;
    private final int ivLength;

    Suite(int codePoint, String tlsName, String transformation, String keyAlgorithm, int encryptionKeyLength,
            int blockSize, int ivLength) {
        this.codePoint = codePoint;
        this.tlsName = tlsName;
        this.transformation = transformation;
        this.keyAlgorithm = keyAlgorithm;
        this.encryptionKeyLength = encryptionKeyLength;
        this.blockSize = blockSize;
        this.ivLength = ivLength;
    }

    /**
     * The short name RFC 6618 uses ({@code NULL_SHA}, {@code 3DES_EDE_CBC_SHA},
     * {@code AES_128_CBC_SHA}); differs from {@link #name()} only for 3DES, whose Java constant
     * cannot start with a digit.
     */
    public String rfcName() {
        return this == TRIPLE_DES_EDE_CBC_SHA ? "3DES_EDE_CBC_SHA" : name();
    }

    /** The IANA TLS cipher-suite name of {@link #codePoint()}, e.g. {@code TLS_RSA_WITH_AES_128_CBC_SHA}. */
    public String tlsName() {
        return tlsName;
    }

    /** The two-octet TLS cipher-suite code point, e.g. {@code 0x002F}. */
    public int codePoint() {
        return codePoint;
    }

    /** The code point as four upper-case hex digits ({@code 002F}): the form written on the wire. */
    public String wireName() {
        return HexFormat.of().withUpperCase().toHexDigits((short) codePoint);
    }

    /** Whether the suite encrypts (false for {@link #NULL_SHA}). Integrity is always provided. */
    public boolean confidentiality() {
        return transformation != null;
    }

    /** Octets of the integrity key in each direction (20, HMAC-SHA1). */
    public int integrityKeyLength() {
        return INTEGRITY_KEY_LENGTH;
    }

    /** Octets of the encryption key in each direction (0 when there is no encryption). */
    public int encryptionKeyLength() {
        return encryptionKeyLength;
    }

    /** Octets of the ICV at the end of every packet (12, HMAC-SHA1-96). */
    public int icvLength() {
        return ICV_LENGTH;
    }

    /** Octets of the explicit IV at the start of the payload field (0 when there is no encryption). */
    public int ivLength() {
        return ivLength;
    }

    /** The cipher's block size (1 with no encryption). */
    public int blockSize() {
        return blockSize;
    }

    /**
     * What the plaintext (payload, padding, pad length, next header) must be a multiple of:
     * the block size, and at least 4 so the ICV starts on a 32-bit boundary (RFC 4303 §2.4).
     */
    int alignment() {
        return Math.max(blockSize, 4);
    }

    String transformation() {
        return transformation;
    }

    String keyAlgorithm() {
        return keyAlgorithm;
    }

    /**
     * The suite named by {@code text}: its RFC 6618 short name ({@code AES_128_CBC_SHA}), its TLS
     * name ({@code TLS_RSA_WITH_AES_128_CBC_SHA}) or its code point in hex ({@code 002F},
     * {@code 0x002f}); case and surrounding blanks do not matter.
     *
     * @throws IllegalArgumentException naming the text and the suites known, or saying that a
     *         recognised suite (NULL_SHA256, AES_128_CBC_SHA256) is not supported
     */
    public static Suite parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("cipher suite missing; expected one of " + known());
        }
        String t = text.strip().toUpperCase(Locale.ROOT);
        String hex = t.startsWith("0X") ? t.substring(2) : t;
        for (Suite s : values()) {
            if (t.equals(s.name()) || t.equals(s.rfcName()) || t.equals(s.tlsName)
                    || (hex.length() == 4 && hex.equals(s.wireName()))) {
                return s;
            }
        }
        if (t.equals("NULL_SHA256") || t.equals("AES_128_CBC_SHA256") || t.equals("TLS_RSA_WITH_NULL_SHA256")
                || t.equals("TLS_RSA_WITH_AES_128_CBC_SHA256") || hex.equals("003B") || hex.equals("003C")) {
            throw new IllegalArgumentException("cipher suite '" + text.strip() + "' (AES-XCBC-MAC-96 integrity) is"
                    + " defined by RFC 6618 §5.6.5 but not supported: the JDK has no AES-XCBC-MAC; use one of "
                    + known());
        }
        throw new IllegalArgumentException("unknown cipher suite '" + text.strip() + "'; expected one of " + known());
    }

    private static String known() {
        return Arrays.stream(values()).map(s -> s.rfcName() + " (" + s.wireName() + ")")
                .collect(Collectors.joining(", "));
    }
}
