package org.mip6kit.provider.ipsec;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.HomePrefix;
import org.mip6kit.spi.ProviderConfigException;
import org.mip6kit.wire.Ipv4Address;
import org.mip6kit.wire.Ipv6Address;

/**
 * The keys both sides share: {@code mode}, {@code vici-socket}, {@code identity} (this end's IKE
 * identity), {@code proposals}, {@code esp-proposals}, {@code tunnel-interface}.
 *
 * @param mode libipsec or kernel
 * @param viciSocket charon's VICI socket
 * @param identity this end's IKE identity (charon's {@code local.id})
 * @param proposals IKE proposals (swanctl.conf syntax)
 * @param espProposals ESP proposals
 * @param tunnelInterface where protected signalling arrives (libipsec: charon's TUN device; kernel:
 *        any interface unless configured)
 */
record IkeOptions(IpsecMode mode, Path viciSocket, String identity, List<String> proposals, List<String> espProposals,
                  InterfaceMatch tunnelInterface) {

    static final Set<String> KEYS = Set.of("mode", "vici-socket", "identity", "proposals", "esp-proposals",
            "tunnel-interface");
    static final Path DEFAULT_SOCKET = Path.of("/var/run/charon.vici");
    static final List<String> DEFAULT_PROPOSALS = List.of("aes128gcm16-prfsha256-x25519");
    static final List<String> DEFAULT_ESP_PROPOSALS = List.of("aes128gcm16-x25519");
    static final String DEFAULT_TUNNEL = "ipsec0";

    IkeOptions {
        proposals = List.copyOf(proposals);
        espProposals = List.copyOf(espProposals);
    }

    static IkeOptions read(ConfigSection c) throws ProviderConfigException {
        String modeText = c.optionalString("mode").orElse(IpsecMode.LIBIPSEC.configName());
        IpsecMode mode = IpsecMode.parse(modeText);
        if (mode == null) {
            throw c.error("mode", "is '" + modeText + "'; known modes: libipsec (strongSwan userspace ESP, "
                    + "tunnel mode),"
                    + " kernel (kernel ESP SAs, RFC 4877 transport mode)");
        }
        Path socket = c.has("vici-socket") ? c.path("vici-socket") : DEFAULT_SOCKET;
        String identity = c.text("identity");
        checkIdentity(c, "identity", identity);
        InterfaceMatch tunnel;
        String tunnelText = c.optionalString("tunnel-interface")
                .orElse(mode == IpsecMode.KERNEL ? InterfaceMatch.ANY.pattern() : DEFAULT_TUNNEL);
        try {
            tunnel = new InterfaceMatch(tunnelText);
        } catch (IllegalArgumentException e) {
            throw c.error("tunnel-interface", "is '" + tunnelText + "': expected " + e.getMessage());
        }
        if (tunnel.isAny() && mode == IpsecMode.LIBIPSEC) {
            throw c.error("tunnel-interface", "is '*', but mode libipsec judges signalling by the interface it "
                    + "arrived on: name charon's TUN device (default " + DEFAULT_TUNNEL + ")");
        }
        return new IkeOptions(mode, socket, identity, listOr(c, "proposals", DEFAULT_PROPOSALS),
                listOr(c, "esp-proposals", DEFAULT_ESP_PROPOSALS), tunnel);
    }

    static void checkIdentity(ConfigSection c, String key, String id) throws ProviderConfigException {
        if (id.isEmpty() || id.length() > 255 || id.chars().anyMatch(ch -> ch < 0x21 || ch == 0x7f)
                || id.startsWith("%")) {
            throw c.error(key, "must be an IKE identity (an FQDN, user@fqdn or an address; no spaces, no %any)");
        }
    }

    private static List<String> listOr(ConfigSection c, String key, List<String> dflt) throws ProviderConfigException {
        List<String> l = c.strings(key);
        if (!c.has(key)) {
            return dflt;
        }
        if (l.isEmpty()) {
            throw c.error(key, "must name at least one proposal");
        }
        for (String p : l) {
            if (!p.matches("[a-z0-9_-]+")) {
                throw c.error(key, "has '" + p + "', which is not a swanctl.conf proposal (e.g. "
                        + DEFAULT_PROPOSALS.get(0) + ")");
            }
        }
        return l;
    }

    static HomePrefix prefix(ConfigSection c, String key, String text) throws ProviderConfigException {
        try {
            return HomePrefix.parse(text);
        } catch (IllegalArgumentException e) {
            throw c.error(key, "is '" + text + "', not an IPv6 prefix like 2001:db8:1::/64");
        }
    }

    /** One value or a list of values; empty when absent. */
    static List<String> oneOrMany(ConfigSection c, String key) throws ProviderConfigException {
        if (!c.has(key)) {
            return List.of();
        }
        try {
            return List.of(c.string(key));
        } catch (ProviderConfigException notAScalar) {
            return c.strings(key);
        }
    }

    /** An IPv6 or IPv4 address, checked; returned as charon wants it (text). */
    static String address(ConfigSection c, String key, String text) throws ProviderConfigException {
        try {
            return text.contains(":") ? Ipv6Address.parse(text).toString() : Ipv4Address.parse(text).toString();
        } catch (IllegalArgumentException e) {
            throw c.error(key, "has '" + text + "', which is not an IPv6 or IPv4 address");
        }
    }
}
