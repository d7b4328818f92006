package org.mip6kit.provider.tls.control;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mip6kit.spi.HomePrefix;
import org.mip6kit.wire.Ipv4Address;
import org.mip6kit.wire.Ipv6Address;

/**
 * The field names of the control messages (RFC 6618 §5.2–§5.8) and the syntax each value must
 * have; {@link ControlCodec} checks every known field against it, so a decoded message never
 * carries, say, a 31-octet {@code mn-rand}. Unknown names are kept with only the generic line
 * rules (open registry).
 *
 * <p>Value syntaxes (this package's reading where the RFC leaves the spelling open):
 * <ul>
 * <li>binary values — hexadecimal, two digits per octet, either case (sent lower case);
 *     {@code mn-rand}, {@code hac-rand} and {@code auth} are exactly 32 octets; keys 1..64
 *     octets (an empty encryption key, for a NULL suite, is sent by leaving its field out);</li>
 * <li>numbers — decimal without sign or leading zeros ({@code mip6-spi} 1..2<sup>28</sup>-1,
 *     {@code mip6-port} 1..65535, {@code mip6-sas} 0 or 1, {@code status-code} 100..599,
 *     {@code retry-after} seconds);</li>
 * <li>addresses — IPv6 / IPv4 literals, prefixes {@code 2001:db8:1::/64} (never a name, so no
 *     DNS lookup is ever made);</li>
 * <li>{@code mip6-sa-validity-end} — an RFC 3339 UTC instant, {@code 2026-05-01T12:00:00Z};</li>
 * <li>{@code mip6-ciphersuites} — the node's acceptable suites, names from §5.6.5 separated by
 *     {@code ,} without spaces, most preferred first; {@code mip6-ciphersuite} — the one the
 *     controller chose.</li>
 * </ul>
 * Every field is single-valued: a name appears at most once in a message.
 */
public final class ControlFields {

    public static final String MESSAGE_TYPE = "message-type";
    public static final String MN_ID = "mn-id";
    public static final String MN_RAND = "mn-rand";
    public static final String HAC_RAND = "hac-rand";
    public static final String AUTH_METHOD = "auth-method";
    public static final String AUTH = "auth";
    public static final String EAP_PAYLOAD = "eap-payload";
    public static final String STATUS_CODE = "status-code";
    public static final String RETRY_AFTER = "retry-after";
    public static final String SA_SCOPE = "mip6-sas";
    public static final String CIPHERSUITES = "mip6-ciphersuites";
    public static final String CIPHERSUITE = "mip6-ciphersuite";
    public static final String SPI = "mip6-spi";
    public static final String MN_TO_HA_IKEY = "mip6-mn-to-ha-ikey";
    public static final String MN_TO_HA_EKEY = "mip6-mn-to-ha-ekey";
    public static final String HA_TO_MN_IKEY = "mip6-ha-to-mn-ikey";
    public static final String HA_TO_MN_EKEY = "mip6-ha-to-mn-ekey";
    public static final String SA_VALIDITY_END = "mip6-sa-validity-end";
    public static final String HA_ADDRESS_IP6 = "mip6-haa-ip6";
    public static final String HA_ADDRESS_IP4 = "mip6-haa-ip4";
    public static final String PORT = "mip6-port";
    public static final String HOME_ADDRESS_IP6 = "mip6-ip6-hoa";
    public static final String HOME_PREFIX_IP6 = "mip6-ip6-hnp";
    public static final String HOME_ADDRESS_IP4 = "mip6-ip4-hoa";
    public static final String DNS_IP6 = "mip6-dns-ip6";
    public static final String DNS_IP4 = "mip6-dns-ip4";

    /** Octets of {@code mn-rand} and {@code hac-rand} (§5.8). */
    public static final int RAND_OCTETS = 32;
    /** Octets of an {@code auth} value: one HMAC-SHA256 output. */
    public static final int AUTH_OCTETS = 32;
    /** Largest key this package accepts. */
    public static final int MAX_KEY_OCTETS = 64;
    /** Largest SPI: 28 bits (RFC 6618 §6). */
    public static final int MAX_SPI = (1 << 28) - 1;

    private static final DateTimeFormatter INSTANT = DateTimeFormatter.ISO_INSTANT;

    private interface Syntax {
        /** Null when {@code v} is fine, else the reason (never quoting {@code v}). */
        String check(String v);
    }

    private static Syntax hex(int minOctets, int maxOctets) {
        return v -> {
            if (!isHex(v)) {
                return "expected hexadecimal digits, two per octet";
            }
            int n = v.length() / 2;
            if (n < minOctets || n > maxOctets) {
                return minOctets == maxOctets ? "expected " + minOctets + " octets, got " + n
                        : "expected " + minOctets + ".." + maxOctets + " octets, got " + n;
            }
            return null;
        };
    }

    private static Syntax decimal(long min, long max) {
        return v -> {
            long n = parseDecimal(v);
            return n < min || n > max ? "expected a decimal number " + min + ".." + max : null;
        };
    }

    private static Syntax token(int max) {
        return v -> isToken(v, max) ? null : "expected 1.." + max + " visible ASCII characters";
    }

    private static final Syntax IPV6 = v -> {
        try {
            Ipv6Address.parse(v);
            return null;
        } catch (IllegalArgumentException e) {
            return "expected an IPv6 address literal";
        }
    };
    private static final Syntax IPV4 = v -> {
        try {
            Ipv4Address.parse(v);
            return null;
        } catch (IllegalArgumentException e) {
            return "expected an IPv4 address literal";
        }
    };
    private static final Syntax PREFIX6 = v -> {
        try {
            HomePrefix.parse(v);
            return null;
        } catch (IllegalArgumentException e) {
            return "expected an IPv6 prefix address/length";
        }
    };
    private static final Syntax TIME = v -> parseInstant(v) == null
            ? "expected an RFC 3339 UTC time such as 2026-05-01T12:00:00Z" : null;
    private static final Syntax SUITE_LIST = v -> {
        if (v.isEmpty() || v.length() > 512) {
            return "expected 1..512 characters";
        }
        for (String s : v.split(",", -1)) {
            if (!isSuiteName(s)) {
                return "expected suite names of letters, digits and '_' separated by ','";
            }
        }
        return null;
    };
    private static final Syntax SUITE = v -> isSuiteName(v) ? null : "expected a suite name of letters, digits and '_'";

    private static final Map<String, Syntax> SYNTAX = Map.ofEntries(
            Map.entry(MESSAGE_TYPE, token(64)),
            Map.entry(MN_ID, token(253)),
            Map.entry(MN_RAND, hex(RAND_OCTETS, RAND_OCTETS)),
            Map.entry(HAC_RAND, hex(RAND_OCTETS, RAND_OCTETS)),
            Map.entry(AUTH_METHOD, token(32)),
            Map.entry(AUTH, hex(AUTH_OCTETS, AUTH_OCTETS)),
            Map.entry(EAP_PAYLOAD, hex(1, 3000)),
            Map.entry(STATUS_CODE, decimal(100, 599)),
            Map.entry(RETRY_AFTER, decimal(0, Integer.MAX_VALUE)),
            Map.entry(SA_SCOPE, decimal(0, 1)),
            Map.entry(CIPHERSUITES, SUITE_LIST),
            Map.entry(CIPHERSUITE, SUITE),
            Map.entry(SPI, decimal(1, MAX_SPI)),
            Map.entry(MN_TO_HA_IKEY, hex(1, MAX_KEY_OCTETS)),
            Map.entry(MN_TO_HA_EKEY, hex(1, MAX_KEY_OCTETS)),
            Map.entry(HA_TO_MN_IKEY, hex(1, MAX_KEY_OCTETS)),
            Map.entry(HA_TO_MN_EKEY, hex(1, MAX_KEY_OCTETS)),
            Map.entry(SA_VALIDITY_END, TIME),
            Map.entry(HA_ADDRESS_IP6, IPV6),
            Map.entry(HA_ADDRESS_IP4, IPV4),
            Map.entry(PORT, decimal(1, 65535)),
            Map.entry(HOME_ADDRESS_IP6, IPV6),
            Map.entry(HOME_PREFIX_IP6, PREFIX6),
            Map.entry(HOME_ADDRESS_IP4, IPV4),
            Map.entry(DNS_IP6, IPV6),
            Map.entry(DNS_IP4, IPV4));

    private ControlFields() {
    }

    /** Whether {@code name} is a field this package knows the syntax of. */
    public static boolean isKnown(String name) {
        return SYNTAX.containsKey(name);
    }

    /**
     * Checks {@code value} against the syntax of the known field {@code name}.
     *
     * @return null when the value is fine (or the field unknown), else the reason, which never
     *         quotes the value
     */
    static String checkValue(String name, String value) {
        Syntax s = SYNTAX.get(name);
        return s == null ? null : s.check(value);
    }

    /** A field name: 1..64 of {@code a-z 0-9 -}, starting with a letter. */
    static boolean isFieldName(String name) {
        if (name == null || name.isEmpty() || name.length() > 64 || !(name.charAt(0) >= 'a' && name.charAt(0) <= 'z')) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** 1..max visible ASCII characters (0x21..0x7E). */
    static boolean isToken(String v, int max) {
        if (v == null || v.isEmpty() || v.length() > max) {
            return false;
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    static boolean isSuiteName(String v) {
        if (v == null || v.isEmpty() || v.length() > 64) {
            return false;
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
                return false;
            }
        }
        return true;
    }

    static boolean isHex(String v) {
        if (v == null || v.isEmpty() || (v.length() & 1) != 0) {
            return false;
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                return false;
            }
        }
        return true;
    }

    /** A decimal without sign or leading zeros, at most 10 digits; -1 if not one. */
    static long parseDecimal(String v) {
        if (v == null || v.isEmpty() || v.length() > 10 || (v.length() > 1 && v.charAt(0) == '0')) {
            return -1;
        }
        long n = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    static Instant parseInstant(String v) {
        if (v == null || v.length() > 40 || !v.endsWith("Z")) {
            return null;
        }
        try {
            return Instant.from(INSTANT.parse(v));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    static String formatInstant(Instant t) {
        return INSTANT.format(t);
    }

    static byte[] hexToBytes(String v) {
        byte[] out = new byte[v.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) ((Character.digit(v.charAt(2 * i), 16) << 4) | Character.digit(v.charAt(2 * i + 1), 16));
        }
        return out;
    }

    static String bytesToHex(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length * 2);
        for (byte x : b) {
            sb.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
        }
        return sb.toString().toLowerCase(Locale.ROOT);
    }

    static List<String> splitSuites(String v) {
        return new ArrayList<>(List.of(v.split(",", -1)));
    }

    /** Fields whose values are secrets: never shown by {@link ControlMessage#toString()}. */
    static boolean isSecret(String name) {
        return name.equals(AUTH) || name.endsWith("-ikey") || name.endsWith("-ekey") || name.equals(EAP_PAYLOAD);
    }
}
