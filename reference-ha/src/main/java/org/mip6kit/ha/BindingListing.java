package org.mip6kit.ha;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.mip6kit.daemon.DaemonSettings;
import org.mip6kit.engine.BindingRecord;

/**
 * The binding cache as the admin socket's {@code bindings} command answers it: one JSON object
 * per live binding, sorted by home address.
 * <pre>
 * {"homeAddress":"2001:db8:1::100", "careOfAddress":"2001:db8:2::100",
 *  "identity":"nai:mn1@example.org", "lifetimeLeftSeconds":598, "lifetimeSeconds":600,
 *  "sequence":4711, "provider":"auth-option-4285", "expiresAt":"2025-01-01T12:10:00Z",
 *  "outerPeer":"[::1]:40001", "mobileRouter":false, "keyManagementMobility":false}
 * </pre>
 * An IPv4 care-of address (RFC 5555) is shown IPv4-mapped ({@code ::ffff:192.0.2.7}), as the
 * binding cache keeps it; {@code outerPeer} is {@code null} for a provider that owns its channel.
 */
public final class BindingListing {

    /** Field names, shared with {@code mip6kit ha bindings}. */
    public static final String HOME_ADDRESS = "homeAddress";
    public static final String CARE_OF_ADDRESS = "careOfAddress";
    public static final String IDENTITY = "identity";
    public static final String LIFETIME_LEFT_SECONDS = "lifetimeLeftSeconds";
    public static final String LIFETIME_SECONDS = "lifetimeSeconds";
    public static final String SEQUENCE = "sequence";
    public static final String PROVIDER = "provider";
    public static final String EXPIRES_AT = "expiresAt";
    public static final String OUTER_PEER = "outerPeer";

    private BindingListing() {
    }

    /**
     * Adds one object per live binding of {@code bindings} to {@code out}.
     *
     * @param provider the provider's name (every binding of one home agent has the same)
     * @param now the time lifetimes are counted from
     */
    public static void fill(ArrayNode out, List<BindingRecord> bindings, String provider, Instant now) {
        bindings.stream()
                .filter(BindingRecord::isBound)
                .sorted(Comparator.comparing(BindingRecord::homeAddress))
                .forEach(b -> {
                    ObjectNode o = out.addObject();
                    o.put(HOME_ADDRESS, b.homeAddress().toString());
                    o.put(CARE_OF_ADDRESS, b.careOfAddress().toString());
                    o.put(IDENTITY, b.identity().toString());
                    long left = Duration.between(now, b.expiresAt()).toSeconds();
                    o.put(LIFETIME_LEFT_SECONDS, Math.max(0, left));
                    o.put(LIFETIME_SECONDS, b.lifetime().seconds());
                    o.put(SEQUENCE, b.sequence().value());
                    o.put(PROVIDER, provider);
                    o.put(EXPIRES_AT, b.expiresAt().toString());
                    if (b.outerPeer().isPresent()) {
                        o.put(OUTER_PEER, DaemonSettings.describe(b.outerPeer().get()));
                    } else {
                        o.putNull(OUTER_PEER);
                    }
                    o.put("mobileRouter", b.mobileRouter());
                    o.put("keyManagementMobility", b.keyManagementMobility());
                });
    }
}
