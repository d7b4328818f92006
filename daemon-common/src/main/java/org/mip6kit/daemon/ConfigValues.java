package org.mip6kit.daemon;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.HomePrefix;
import org.mip6kit.spi.ProviderConfigException;
import org.mip6kit.wire.Ipv4Address;
import org.mip6kit.wire.Ipv6Address;

/**
 * Typed values the daemons' configuration files hold beyond what {@link ConfigSection} reads:
 * addresses, prefixes, fractions. Every failure is a {@link ProviderConfigException} that names
 * the key and the file. Addresses are literals only: a configuration never waits on DNS.
 */
public final class ConfigValues {

    private ConfigValues() {
    }

    /** A required IPv6 address literal. */
    public static Ipv6Address ipv6(ConfigSection section, String key) throws ProviderConfigException {
        return parseIpv6(section, key, section.string(key));
    }

    /** An optional IPv6 address literal. */
    public static Optional<Ipv6Address> optionalIpv6(ConfigSection section, String key) throws ProviderConfigException {
        Optional<String> text = section.optionalString(key);
        return text.isPresent() ? Optional.of(parseIpv6(section, key, text.get())) : Optional.empty();
    }

    /** A required unicast IPv6 address: not unspecified, multicast, loopback or link-local. */
    public static Ipv6Address unicastIpv6(ConfigSection section, String key) throws ProviderConfigException {
        Ipv6Address a = ipv6(section, key);
        if (a.isUnspecified() || a.isMulticast() || a.isLoopback() || a.isLinkLocal()) {
            throw section.error(key, "must be a global or unique-local unicast IPv6 address, got " + a);
        }
        return a;
    }

    private static Ipv6Address parseIpv6(ConfigSection section, String key, String text) throws ProviderConfigException {
        try {
            return Ipv6Address.parse(text.strip());
        } catch (RuntimeException e) {
            throw section.error(key, "is not an IPv6 address: '" + text + "' (write it like 2001:db8:1::1)");
        }
    }

    /**
     * A required IPv4 or IPv6 address literal, as a socket address (an IPv6 literal with a
     * {@code :} in it, else IPv4).
     */
    public static InetAddress ipAddress(ConfigSection section, String key) throws ProviderConfigException {
        return parseIp(section, key, section.string(key));
    }

    /** An optional IP address literal, else {@code defaultValue}. */
    public static InetAddress ipAddress(ConfigSection section, String key, InetAddress defaultValue)
            throws ProviderConfigException {
        Optional<String> text = section.optionalString(key);
        return text.isPresent() ? parseIp(section, key, text.get()) : defaultValue;
    }

    private static InetAddress parseIp(ConfigSection section, String key, String text) throws ProviderConfigException {
        String t = text.strip();
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        try {
            byte[] bytes = t.contains(":") ? Ipv6Address.parse(t).toBytes() : Ipv4Address.parse(t).toBytes();
            return InetAddress.getByAddress(bytes);
        } catch (RuntimeException | UnknownHostException e) {
            throw section.error(key, "is not an IP address literal: '" + text + "' (write an IPv6 address like ::1 "
                    + "or an IPv4 address like 127.0.0.1; host names are not looked up)");
        }
    }

    /** A list of at least one IPv6 prefix ({@code 2001:db8:1::/64}). */
    public static List<HomePrefix> prefixes(ConfigSection section, String key) throws ProviderConfigException {
        if (!section.has(key)) {
            throw section.error(key, "is required: a list of prefixes such as [2001:db8:1::/64]");
        }
        List<String> texts = section.strings(key);
        if (texts.isEmpty()) {
            throw section.error(key, "must list at least one prefix, such as [2001:db8:1::/64]");
        }
        List<HomePrefix> out = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i).strip();
            HomePrefix p;
            try {
                p = HomePrefix.parse(text);
            } catch (RuntimeException e) {
                throw section.error(key + "[" + i + "]", "is not an IPv6 prefix: '" + text
                        + "' (write address/length, like 2001:db8:1::/64)");
            }
            if (p.length() < 1 || p.length() > 128) {
                throw section.error(key + "[" + i + "]", "prefix length must be 1..128, got " + p.length());
            }
            if (!Ipv6Address.parse(text.substring(0, text.indexOf('/'))).equals(p.prefix())) {
                throw section.error(key + "[" + i + "]", "has bits set beyond its length: did you mean "
                        + p + "?");
            }
            out.add(p);
        }
        return List.copyOf(out);
    }

    /** An optional decimal number in {@code [min, max)} (or {@code [min, max]} when {@code maxInclusive}). */
    public static double number(ConfigSection section, String key, double min, double max, boolean maxInclusive,
                                double defaultValue) throws ProviderConfigException {
        Optional<String> text = section.optionalString(key);
        if (text.isEmpty()) {
            return defaultValue;
        }
        double d;
        try {
            d = Double.parseDouble(text.get().strip());
        } catch (NumberFormatException e) {
            throw section.error(key, "must be a number, got '" + text.get() + "'");
        }
        if (!Double.isFinite(d) || d < min || (maxInclusive ? d > max : d >= max)) {
            throw section.error(key, "must be at least " + min + " and " + (maxInclusive ? "at most " : "below ")
                    + max + ", got " + text.get().strip());
        }
        return d;
    }
}
