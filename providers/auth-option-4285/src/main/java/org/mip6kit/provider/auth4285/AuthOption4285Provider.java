package org.mip6kit.provider.auth4285;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.mip6kit.spi.Capability;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.DemoConfiguration;
import org.mip6kit.spi.HomeAgentSecurity;
import org.mip6kit.spi.MobileNodeSecurity;
import org.mip6kit.spi.Placement;
import org.mip6kit.spi.ProviderConfigException;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.ProviderDescriptor;
import org.mip6kit.spi.SecurityProviderFactory;
import org.mip6kit.spi.SpiVersion;
import org.mip6kit.wire.Ipv4Address;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobilityOptionCodec;

/**
 * The {@code auth-option-4285} security provider: Mobile IPv6 signalling between mobile node and
 * home agent protected inside the Mobility Header by the Mobility Message Authentication option
 * (RFC 4285 §5), the Mobile Node Identifier option (RFC 4283) and timestamp replay protection
 * (RFC 4285 §6), with shared keys from a key table. {@link Placement#IN_MESSAGE}; it needs
 * loosely synchronised clocks ({@link Capability#NEEDS_CLOCK_SYNC}), and the mobile node learns
 * the home agent's time from an authenticated status 144.
 *
 * <p>Configuration ({@code security.auth-option-4285}) and the key table format are described
 * in {@code docs/providers/auth-option-4285.md}:
 * <pre>
 * # home agent                               # mobile node
 * key-table: /etc/mip6kit/keys               nai: mn1@example.com
 * replay-window: 7s          # 3s or more    spi: 256
 * require-replay-protection: true            key-file: /etc/mip6kit/mn1.key
 * mn-aaa: false                              home-address: 2001:db8:1::100
 *                                            home-agent: 2001:db8:1::1
 *                                            home-agent-endpoint: "[2001:db8:1::1]:4191"
 * </pre>
 *
 * <p>Found by {@link java.util.ServiceLoader} (no-argument constructor, no AAA client). An
 * embedder with a home AAA server passes its {@link AaaClient} to
 * {@link #AuthOption4285Provider(AaaClient)}.
 */
public final class AuthOption4285Provider implements SecurityProviderFactory {

    /** The provider's name in {@code security.provider}. */
    public static final String NAME = "auth-option-4285";
    /** The provider's version. */
    public static final String VERSION = "1.0";
    /** Default and smallest replay window (RFC 4285 §5.1: 7 s by default, more than 3 s). */
    public static final Duration DEFAULT_REPLAY_WINDOW = Duration.ofSeconds(7);
    public static final Duration MIN_REPLAY_WINDOW = Duration.ofSeconds(3);
    static final Duration MAX_REPLAY_WINDOW = Duration.ofHours(1);

    static final Set<String> HOME_AGENT_KEYS = Set.of("key-table", "keys", "replay-window",
            "require-replay-protection", "mn-aaa");
    static final Set<String> MOBILE_NODE_KEYS = Set.of("nai", "spi", "key", "key-file", "key-table", "home-address",
            "home-agent", "home-agent-endpoint");

    static final ProviderDescriptor DESCRIPTOR = new ProviderDescriptor(NAME, VERSION, SpiVersion.MAJOR,
            Placement.IN_MESSAGE, EnumSet.of(Capability.INTEGRITY, Capability.NEEDS_CLOCK_SYNC,
            Capability.PROTECTS_HOME_AGENT_SWITCH));
    private static final List<MobilityOptionCodec<?>> CODECS = List.of(MobilityMessageAuthentication.CODEC,
            MobilityMessageReplayProtection.CODEC);
    /** The demo's mobile node ({@link #demoConfiguration}), in a documentation realm. */
    static final String DEMO_NAI = "mn1@example.com";
    /** The demo's key table, in the private directory the demo hands over. */
    static final String DEMO_KEY_TABLE = "keys.txt";
    /** HMAC-SHA1's output size, the key length RFC 2104 recommends for it. */
    static final int DEMO_KEY_OCTETS = 20;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern ENDPOINT = Pattern.compile("\\[([0-9A-Fa-f:.]+)]:(\\d{1,5})|([0-9.]+):(\\d{1,5})");

    private final AaaClient aaa;

    /** The provider without an AAA client (what {@link java.util.ServiceLoader} creates): MN-HA only. */
    public AuthOption4285Provider() {
        this.aaa = null;
    }

    /** The provider with a home AAA server behind {@code aaa}, so {@code mn-aaa: true} may be configured. */
    public AuthOption4285Provider(AaaClient aaa) {
        if (aaa == null) {
            throw new IllegalArgumentException("aaa is required (use the no-argument constructor for none)");
        }
        this.aaa = aaa;
    }

    @Override
    public ProviderDescriptor descriptor() {
        return DESCRIPTOR;
    }

    /** The Mobility Message Authentication option (9) and the Replay Protection option (10). */
    @Override
    public List<MobilityOptionCodec<?>> optionCodecs() {
        return CODECS;
    }

    @Override
    public HomeAgentSecurity homeAgent(ProviderContext context, ConfigSection config) throws ProviderConfigException {
        config.allowOnly(HOME_AGENT_KEYS);
        KeyTable keys = readHomeAgentKeys(config, config.bool("mn-aaa", false));
        Duration window = config.duration("replay-window", MIN_REPLAY_WINDOW, MAX_REPLAY_WINDOW,
                DEFAULT_REPLAY_WINDOW);
        boolean requireReplay = config.bool("require-replay-protection", true);
        boolean mnAaa = config.bool("mn-aaa", false);
        if (mnAaa && aaa == null) {
            throw config.error("mn-aaa", "MN-AAA authentication (RFC 4285 §5.2) needs a RADIUS or Diameter client "
                    + "to reach the home AAA server, and mip6kit has none yet; set mn-aaa: false and list the MN-HA "
                    + "keys in the key table, or embed the provider with your own AaaClient (see "
                    + KeyFiles.DOCS.replace("#keys", "#mn-aaa") + ")");
        }
        return new HomeAgentSide(context, keys, window, requireReplay, mnAaa ? aaa : null);
    }

    /**
     * The home agent's key table: the {@code key-table} file plus the rows under {@code keys},
     * read and checked in full. At start and on every reload.
     *
     * @param mnAaa whether MN-AAA is on (then the table may be empty)
     */
    static KeyTable readHomeAgentKeys(ConfigSection config, boolean mnAaa) throws ProviderConfigException {
        config.allowOnly(HOME_AGENT_KEYS);
        KeyTable keys = KeyTable.empty();
        if (config.has("key-table")) {
            keys = KeyTable.readFile(config.path("key-table"), config, "key-table");
        }
        if (config.has("keys")) {
            keys = keys.plus(KeyTable.readRows(config.sections("keys"), config, "keys"), config, "keys");
        }
        if (keys.size() == 0 && !mnAaa) {
            throw config.error("key-table", "is required: the home agent needs the mobile nodes' security "
                    + "associations (a key table file, or rows under keys:), see " + KeyFiles.DOCS);
        }
        return keys;
    }

    @Override
    public MobileNodeSecurity mobileNode(ProviderContext context, ConfigSection config) throws ProviderConfigException {
        config.allowOnly(MOBILE_NODE_KEYS);
        String nai = config.text("nai");
        try {
            KeyTable.checkNai(nai);
        } catch (IllegalArgumentException e) {
            throw config.error("nai", "'" + nai + "' " + e.getMessage());
        }
        List<SecurityAssociation> associations;
        if (config.has("key-table")) {
            for (String k : List.of("spi", "key", "key-file")) {
                if (config.has(k)) {
                    throw config.error(k, "give either key-table or spi with key/key-file, not both");
                }
            }
            associations = KeyTable.readFile(config.path("key-table"), config, "key-table").forNai(nai);
            if (associations.isEmpty()) {
                throw config.error("key-table", "lists no security association for " + nai);
            }
        } else {
            if (!config.has("spi")) {
                throw config.error("spi", "is required (or key-table): the mobility SPI of this node's security "
                        + "association, 256 or more");
            }
            long spi = KeyTable.parseSpi(config.string("spi"), config, "spi", "");
            byte[] key = KeyTable.readKey(config);
            try {
                associations = List.of(new SecurityAssociation(nai, spi, Algorithm.HMAC_SHA1, key));
            } finally {
                java.util.Arrays.fill(key, (byte) 0);
            }
        }
        return new MobileNodeSide(context, nai, associations, address(config, "home-address"),
                address(config, "home-agent"), endpoint(config, "home-agent-endpoint"));
    }

    /**
     * A fresh security association for {@code ./mip6kit demo}, written as an operator would
     * write it: one key table, {@value #DEMO_KEY_TABLE} (mode 600), with a single row for
     * {@value #DEMO_NAI}, an SPI of 256 or more chosen at random (RFC 4285 §5.1 reserves 0..255),
     * {@code hmac-sha1} and a {@value #DEMO_KEY_OCTETS}-octet key from {@link SecureRandom}. The
     * home agent's section names the table as its {@code key-table}; the mobile node's names it
     * too, with its {@code nai} (a node signs with its last row in a table), and the demo's home
     * address and home agent. Paths in the sections are absolute. Nothing is written outside
     * {@code privateDirectory}.
     *
     * @throws ProviderConfigException if the key table cannot be written
     */
    @Override
    public DemoConfiguration demoConfiguration(Path privateDirectory) throws ProviderConfigException {
        Path table = privateDirectory.toAbsolutePath().resolve(DEMO_KEY_TABLE);
        long spi = 256 + (RANDOM.nextLong() & 0xFFFF_FFFFL) % (0x1_0000_0000L - 256);
        byte[] key = new byte[DEMO_KEY_OCTETS];
        try {
            RANDOM.nextBytes(key);
            Files.createFile(table, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(table, String.join("\n",
                    "# A throwaway security association for ./mip6kit demo, removed when the demo ends.",
                    "# NAI             SPI         algorithm  key",
                    DEMO_NAI + "   " + spi + "  " + Algorithm.HMAC_SHA1.configName() + "  key="
                            + HexFormat.of().formatHex(key), ""),
                    StandardCharsets.US_ASCII, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException | UnsupportedOperationException e) {
            throw new ProviderConfigException("security." + NAME + ".key-table", table, "cannot write the demo's "
                    + "key table: " + e.getMessage(), e);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
        return DemoConfiguration.of(
                Map.of("key-table", table.toString(),
                        "replay-window", DEFAULT_REPLAY_WINDOW.toSeconds() + "s",
                        "require-replay-protection", true),
                Map.of("nai", DEMO_NAI,
                        "key-table", table.toString(),
                        "home-address", DemoConfiguration.HOME_ADDRESS.toString(),
                        "home-agent", DemoConfiguration.HOME_AGENT.toString()));
    }

    private static Optional<Ipv6Address> address(ConfigSection config, String key) throws ProviderConfigException {
        Optional<String> text = config.optionalString(key);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Ipv6Address.parse(text.get().trim()));
        } catch (IllegalArgumentException e) {
            throw config.error(key, "is not an IPv6 address: " + e.getMessage());
        }
    }

    /** {@code [IPv6]:port} or {@code IPv4:port}, literals only (no name lookups while reading configuration). */
    private static Optional<InetSocketAddress> endpoint(ConfigSection config, String key)
            throws ProviderConfigException {
        Optional<String> text = config.optionalString(key);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        Matcher m = ENDPOINT.matcher(text.get().trim());
        if (!m.matches()) {
            throw config.error(key, "must be [IPv6-address]:port or IPv4-address:port, got '" + text.get() + "'");
        }
        boolean v6 = m.group(1) != null;
        int port = Integer.parseInt(v6 ? m.group(2) : m.group(4));
        if (port < 1 || port > 65535) {
            throw config.error(key, "port " + port + " is outside 1..65535");
        }
        try {
            byte[] raw = v6 ? Ipv6Address.parse(m.group(1)).toBytes() : Ipv4Address.parse(m.group(3)).toBytes();
            return Optional.of(new InetSocketAddress(InetAddress.getByAddress(raw), port));
        } catch (IllegalArgumentException | UnknownHostException e) {
            throw config.error(key, "is not an address: " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return NAME + (aaa != null ? " (with AAA client)" : "");
    }
}
