package org.mip6kit.provider.ipsec.testbed;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.mip6kit.provider.ipsec.vici.ViciClient;
import org.mip6kit.provider.ipsec.vici.ViciMessage;

/**
 * The VICI requests that set up the MN-HA tunnel of the {@code libipsec} mode in the working
 * shape of docs/providers/ipsec-ikev2.md#charon-in-network-namespaces: PSK authentication between
 * identities, the home address handed
 * to the MN from the HA's pool by the configuration payload, MOBIKE on, AES-GCM with X25519,
 * tunnel mode.
 *
 * <pre>
 *   HA  conn home: local_addrs = HA outer, pools = hoa-pool, mobike = yes
 *       child home: local_ts = home prefix, remote_ts = dynamic
 *       pool hoa-pool: addrs = 2001:db8:1::100/124
 *   MN  conn home: remote_addrs = HA outer, vips = ::, mobike = yes
 *       child home: local_ts = dynamic, remote_ts = home prefix
 *   both: proposals = aes128gcm16-prfsha256-x25519, esp_proposals = aes128gcm16-x25519,
 *         mode = tunnel, auth = psk, shared secret owned by both identities
 * </pre>
 *
 * Immutable. The PSK is random per instance, sent as a secret {@link ViciMessage} value and
 * never printed ({@link #toString()} leaves it out).
 */
public final class HomeTunnelConfig {
    /** IKE proposal of both sides. */
    public static final String IKE_PROPOSAL = "aes128gcm16-prfsha256-x25519";
    /** ESP proposal of both sides. */
    public static final String ESP_PROPOSAL = "aes128gcm16-x25519";

    private final String connection;
    private final String child;
    private final String pool;
    private final String haId;
    private final String mnId;
    private final String haAddress;
    private final String homePrefix;
    private final String poolAddresses;
    private final String psk;

    /**
     * @param connection connection name on both sides
     * @param child CHILD_SA name on both sides
     * @param pool pool name on the HA
     * @param haId the HA's IKE identity
     * @param mnId the MN's IKE identity
     * @param haAddress the HA's outer address (the MN's {@code remote_addrs}, the HA's {@code local_addrs})
     * @param homePrefix the home prefix (traffic selector on the HA's side)
     * @param poolAddresses the pool's {@code addrs} (CIDR or range inside the home prefix)
     * @param psk the pre-shared key
     */
    public HomeTunnelConfig(String connection, String child, String pool, String haId, String mnId,
            String haAddress, String homePrefix, String poolAddresses, String psk) {
        this.connection = nonEmpty(connection, "connection");
        this.child = nonEmpty(child, "child");
        this.pool = nonEmpty(pool, "pool");
        this.haId = nonEmpty(haId, "haId");
        this.mnId = nonEmpty(mnId, "mnId");
        this.haAddress = nonEmpty(haAddress, "haAddress");
        this.homePrefix = nonEmpty(homePrefix, "homePrefix");
        this.poolAddresses = nonEmpty(poolAddresses, "poolAddresses");
        this.psk = nonEmpty(psk, "psk");
        if (psk.length() < 20) {
            throw new IllegalArgumentException("psk must have at least 20 characters");
        }
    }

    /**
     * @return {@code home}/{@code home}/{@code hoa-pool}, {@code ha.example.org} and
     *     {@code mn1@example.org}, the testbed's addresses, pool 2001:db8:1::100/124, a random PSK
     */
    public static HomeTunnelConfig standard() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return new HomeTunnelConfig("home", "home", "hoa-pool", "ha.example.org", "mn1@example.org",
                CharonTestbed.HA_OUTER, CharonTestbed.HOME_PREFIX, "2001:db8:1::100/124",
                "psk-" + HexFormat.of().formatHex(b));
    }

    private static String nonEmpty(String s, String what) {
        Objects.requireNonNull(s, what);
        if (s.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        return s;
    }

    /** @return the connection (IKE_SA config) name */
    public String connection() {
        return connection;
    }

    /** @return the CHILD_SA name */
    public String child() {
        return child;
    }

    /** @return the pool name */
    public String pool() {
        return pool;
    }

    /** @return the HA's identity */
    public String haId() {
        return haId;
    }

    /** @return the MN's identity */
    public String mnId() {
        return mnId;
    }

    /** @return the home prefix */
    public String homePrefix() {
        return homePrefix;
    }

    /** @return the pool's addresses */
    public String poolAddresses() {
        return poolAddresses;
    }

    /** @return the {@code load-conn} request for the HA */
    public ViciMessage haConn() {
        ViciMessage body = ViciMessage.builder()
                .add("version", "2")
                .list("local_addrs", haAddress)
                .list("pools", pool)
                .add("mobike", "yes")
                .list("proposals", IKE_PROPOSAL)
                .section("local", auth(haId))
                .section("remote", auth(mnId))
                .section("children", ViciMessage.builder()
                        .section(child, childSa(homePrefix, "dynamic")).build())
                .build();
        return ViciMessage.builder().section(connection, body).build();
    }

    /** @return the {@code load-conn} request for the MN */
    public ViciMessage mnConn() {
        ViciMessage body = ViciMessage.builder()
                .add("version", "2")
                .list("remote_addrs", haAddress)
                .list("vips", "::")
                .add("mobike", "yes")
                .list("proposals", IKE_PROPOSAL)
                .section("local", auth(mnId))
                .section("remote", auth(haId))
                .section("children", ViciMessage.builder()
                        .section(child, childSa("dynamic", homePrefix)).build())
                .build();
        return ViciMessage.builder().section(connection, body).build();
    }

    /** @return the {@code load-pool} request for the HA */
    public ViciMessage haPool() {
        return ViciMessage.builder()
                .section(pool, ViciMessage.builder().add("addrs", poolAddresses).build())
                .build();
    }

    /** @return the {@code load-shared} request (both sides): type IKE, the PSK as a secret, both identities as owners */
    public ViciMessage shared() {
        return ViciMessage.builder()
                .add("type", "IKE")
                .addSecret("data", psk)
                .list("owners", haId, mnId)
                .build();
    }

    /**
     * @param timeoutMillis charon's own time limit for the exchange
     * @return the MN's {@code initiate} request for the CHILD_SA
     */
    public ViciMessage initiateRequest(long timeoutMillis) {
        return ViciMessage.builder()
                .add("child", child)
                .add("ike", connection)
                .add("timeout", Long.toString(timeoutMillis))
                .add("loglevel", "1")
                .build();
    }

    /**
     * @param timeoutMillis charon's own time limit
     * @return a {@code terminate} request for the IKE_SA (either side)
     */
    public ViciMessage terminateRequest(long timeoutMillis) {
        return ViciMessage.builder()
                .add("ike", connection)
                .add("timeout", Long.toString(timeoutMillis))
                .add("loglevel", "1")
                .build();
    }

    /**
     * Loads pool, secret and connection into the HA, then secret and connection into the MN,
     * waiting at most 10 s for each answer.
     *
     * @param ha client of the HA's charon
     * @param mn client of the MN's charon
     * @throws Exception if a command fails (a {@code ViciCommandException} carries charon's errmsg)
     */
    public void load(ViciClient ha, ViciClient mn) throws Exception {
        get(ha.request("load-pool", haPool()));
        get(ha.request("load-shared", shared()));
        get(ha.request("load-conn", haConn()));
        get(mn.request("load-shared", shared()));
        get(mn.request("load-conn", mnConn()));
    }

    private static ViciMessage get(CompletionStage<ViciMessage> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static ViciMessage auth(String id) {
        return ViciMessage.builder().add("auth", "psk").add("id", id).build();
    }

    private static ViciMessage childSa(String localTs, String remoteTs) {
        return ViciMessage.builder()
                .list("local_ts", localTs)
                .list("remote_ts", remoteTs)
                .list("esp_proposals", ESP_PROPOSAL)
                .add("mode", "tunnel")
                .build();
    }

    @Override
    public String toString() {
        return "HomeTunnelConfig[" + connection + "/" + child + ", " + haId + " <-> " + mnId + ", HA " + haAddress
                + ", prefix " + homePrefix + ", pool " + pool + " " + poolAddresses + ", psk <secret>]";
    }
}
