package org.mip6kit.ha;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.mip6kit.daemon.AdminException;
import org.mip6kit.daemon.DaemonSettings;
import org.mip6kit.dataplane.TrafficCounters;
import org.mip6kit.engine.BindingRecord;
import org.mip6kit.spi.Identity;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobileNetworkPrefix;

/**
 * The binding cache as the admin socket's {@code bindings} command answers it: one JSON object
 * per live binding, sorted by home address.
 * <pre>
 * {"homeAddress":"2001:db8:1::100", "careOfAddress":"2001:db8:2::100",
 *  "identity":"nai:mn1@example.org", "lifetimeLeftSeconds":598, "lifetimeSeconds":600,
 *  "sequence":4711, "provider":"auth-option-4285", "expiresAt":"2025-01-01T12:10:00Z",
 *  "outerPeer":"[::1]:40001", "mobileRouter":false, "keyManagementMobility":false,
 *  "mobileNetworkPrefixes":[], "traffic":null, "homeAgent":"2001:db8:1::1"}
 * </pre>
 * {@code homeAgent} is the home agent address whose engine holds the binding: the daemon's own,
 * or, in a cluster, an address this member took over from a departed member.
 * {@code mobileNetworkPrefixes} lists a mobile router's registered prefixes (RFC 3963) as
 * {@code "2001:db8:100::/48"}, in the order registered; it is empty for a mobile host.
 * An IPv4 care-of address (RFC 5555) is shown IPv4-mapped ({@code ::ffff:192.0.2.7}), as the
 * binding cache keeps it; {@code outerPeer} is {@code null} for a provider that owns its channel.
 *
 * <p>The admin socket's answer is {@linkplain #write streamed}: the cache is read a
 * {@linkplain #PAGE page} at a time and each page written before the next is read, so a listing
 * of any size holds one page in the daemon's memory. A request may ask for a part of the cache
 * ({@link Query}): {@code {"command":"bindings", "after":"2001:db8:1::100", "limit":1000,
 * "homeAddress":..., "identity":...}}; the answer then says where to go on
 * ({@code "next"}, the last home address listed, or {@code null} at the end).
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
    public static final String MOBILE_ROUTER = "mobileRouter";
    public static final String MOBILE_NETWORK_PREFIXES = "mobileNetworkPrefixes";
    /** The home agent address whose engine holds the binding (in a cluster, one of several served here). */
    public static final String HOME_AGENT = "homeAgent";
    /** The data plane's per-binding counters, or null without a data plane. */
    public static final String TRAFFIC = "traffic";

    /** The most bindings read from the cache at a time while an answer is written. */
    public static final int PAGE = 256;

    /**
     * Where a listing reads the binding cache: at most {@code limit} live bindings after
     * {@code after} ({@code null}: from the start) in home address order, as
     * {@link org.mip6kit.engine.HomeAgentEngine#bindings(Ipv6Address, int, Predicate)} answers.
     */
    @FunctionalInterface
    public interface BindingSource {
        List<BindingRecord> page(Ipv6Address after, int limit);
    }

    /**
     * What part of the binding cache a {@code bindings} request asks for.
     *
     * @param after list home addresses after this one only (the {@code next} of a previous
     *        answer); {@code null} from the start
     * @param limit the most bindings in the answer; {@link Long#MAX_VALUE} for all
     * @param homeAddress only this home address; {@code null} for all
     * @param identity only bindings whose identity is this, written {@code kind:value}
     *        ({@code nai:mn1@example.org}) or just the value; {@code null} for all
     */
    public record Query(Ipv6Address after, long limit, Ipv6Address homeAddress, String identity) {

        /** Request fields: {@code after}, {@code limit}, {@code homeAddress}, {@code identity}. */
        public static final String AFTER = "after";
        public static final String LIMIT = "limit";
        public static final String IDENTITY_FILTER = "identity";
        public static final String HOME_ADDRESS_FILTER = "homeAddress";

        public Query {
            if (limit < 1) {
                throw new IllegalArgumentException("limit must be at least 1, got " + limit);
            }
        }

        /** The whole cache. */
        public static Query all() {
            return new Query(null, Long.MAX_VALUE, null, null);
        }

        /**
         * The query of a {@code bindings} request.
         *
         * @throws AdminException naming the field that is wrong and what it should be
         */
        public static Query of(ObjectNode request) throws AdminException {
            Ipv6Address after = address(request, AFTER);
            Ipv6Address homeAddress = address(request, HOME_ADDRESS_FILTER);
            long limit = Long.MAX_VALUE;
            JsonNode l = request.get(LIMIT);
            if (l != null && !l.isNull()) {
                if (!l.canConvertToLong() || !l.isIntegralNumber() || l.asLong() < 1) {
                    throw new AdminException("\"limit\" must be a whole number of at least 1, got " + l
                            + " (see docs/operator-guide.md#admin-socket)");
                }
                limit = l.asLong();
            }
            String identity = null;
            JsonNode i = request.get(IDENTITY_FILTER);
            if (i != null && !i.isNull()) {
                if (!i.isTextual() || i.asText().isEmpty()) {
                    throw new AdminException("\"identity\" must be an identity such as nai:mn1@example.org, got " + i
                            + " (see docs/operator-guide.md#admin-socket)");
                }
                identity = i.asText();
            }
            return new Query(after, limit, homeAddress, identity);
        }

        private static Ipv6Address address(ObjectNode request, String field) throws AdminException {
            JsonNode a = request.get(field);
            if (a == null || a.isNull()) {
                return null;
            }
            try {
                if (!a.isTextual()) {
                    throw new IllegalArgumentException("not a string");
                }
                return Ipv6Address.parse(a.asText());
            } catch (IllegalArgumentException e) {
                throw new AdminException("\"" + field + "\" must be an IPv6 home address such as 2001:db8:1::100, "
                        + "got " + a + " (see docs/operator-guide.md#admin-socket)");
            }
        }

        /** Whether {@code who} is the identity asked for (all when none was). */
        public boolean accepts(Identity who) {
            return identity == null || who.toString().equals(identity) || who.value().equals(identity);
        }

        /** The request that asks for this query. */
        public ObjectNode addTo(ObjectNode request) {
            if (after != null) {
                request.put(AFTER, after.toString());
            }
            if (limit != Long.MAX_VALUE) {
                request.put(LIMIT, limit);
            }
            if (homeAddress != null) {
                request.put(HOME_ADDRESS_FILTER, homeAddress.toString());
            }
            if (identity != null) {
                request.put(IDENTITY_FILTER, identity);
            }
            return request;
        }
    }

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
                    o.put(MOBILE_ROUTER, b.mobileRouter());
                    o.put("keyManagementMobility", b.keyManagementMobility());
                    ArrayNode prefixes = o.putArray(MOBILE_NETWORK_PREFIXES);
                    b.mobileNetworkPrefixes().forEach(p -> prefixes.add(text(p)));
                });
    }

    /**
     * Writes the fields {@code "bindings":[...], "count":N, "next":<home address or null>} of
     * the answer to {@code query}, reading {@code source} at most {@link #PAGE} bindings at a
     * time and writing each page before reading the next. {@code next} is the last home address
     * written when the limit cut the listing short and more bindings follow, else {@code null}.
     *
     * @throws IOException if writing fails (the client went away or is too slow)
     */
    public static void write(JsonGenerator out, BindingSource source, Query query, String provider, Instant now)
            throws IOException {
        write(out, source, query, provider, now, null);
    }

    /**
     * As {@link #write(JsonGenerator, BindingSource, Query, String, Instant)}, each binding with
     * the data plane's {@value #TRAFFIC} counters ({@code packetsToNode}, {@code bytesToNode},
     * {@code packetsFromNode}, {@code bytesFromNode}) when {@code traffic} is not null; without a
     * data plane the field is null.
     */
    public static void write(JsonGenerator out, BindingSource source, Query query, String provider, Instant now,
                             Function<Ipv6Address, Optional<TrafficCounters>> traffic) throws IOException {
        write(out, source, query, provider, now, traffic, null);
    }

    /**
     * As {@link #write(JsonGenerator, BindingSource, Query, String, Instant, Function)}, each
     * binding also naming the home agent address that holds it ({@value #HOME_AGENT}, from
     * {@code homeAgent}, called with each binding {@code source} returned; null: the field is
     * null).
     */
    public static void write(JsonGenerator out, BindingSource source, Query query, String provider, Instant now,
                             Function<Ipv6Address, Optional<TrafficCounters>> traffic,
                             Function<BindingRecord, Ipv6Address> homeAgent) throws IOException {
        Objects.requireNonNull(query, "query");
        BindingSource filtered = query.homeAddress() == null ? source : onlyHomeAddress(source, query.homeAddress());
        out.writeArrayFieldStart("bindings");
        long written = 0;
        Ipv6Address cursor = query.after();
        while (written < query.limit()) {
            int want = (int) Math.min(PAGE, query.limit() - written);
            List<BindingRecord> page = filtered.page(cursor, want);
            for (BindingRecord b : page) {
                writeOne(out, b, provider, now, traffic, homeAgent == null ? null : homeAgent.apply(b));
                cursor = b.homeAddress();
            }
            written += page.size();
            if (page.size() < want) {
                cursor = null;
                break;
            }
        }
        out.writeEndArray();
        out.writeNumberField("count", written);
        boolean more = cursor != null && written == query.limit() && !filtered.page(cursor, 1).isEmpty();
        if (more) {
            out.writeStringField("next", cursor.toString());
        } else {
            out.writeNullField("next");
        }
    }

    private static BindingSource onlyHomeAddress(BindingSource source, Ipv6Address homeAddress) {
        // The page just before the address, one long, holds the address itself if it is bound.
        return (after, limit) -> {
            if (after != null && after.compareTo(homeAddress) >= 0) {
                return List.of();
            }
            Ipv6Address before = homeAddress.high() == 0 && homeAddress.low() == 0 ? null
                    : Ipv6Address.of(homeAddress.low() == 0 ? homeAddress.high() - 1 : homeAddress.high(),
                            homeAddress.low() - 1);
            return source.page(before, 1).stream().filter(b -> b.homeAddress().equals(homeAddress)).toList();
        };
    }

    private static void writeOne(JsonGenerator out, BindingRecord b, String provider, Instant now,
                                 Function<Ipv6Address, Optional<TrafficCounters>> traffic, Ipv6Address homeAgent)
            throws IOException {
        out.writeStartObject();
        out.writeStringField(HOME_ADDRESS, b.homeAddress().toString());
        out.writeStringField(CARE_OF_ADDRESS, b.careOfAddress().toString());
        out.writeStringField(IDENTITY, b.identity().toString());
        out.writeNumberField(LIFETIME_LEFT_SECONDS, Math.max(0, Duration.between(now, b.expiresAt()).toSeconds()));
        out.writeNumberField(LIFETIME_SECONDS, b.lifetime().seconds());
        out.writeNumberField(SEQUENCE, b.sequence().value());
        out.writeStringField(PROVIDER, provider);
        out.writeStringField(EXPIRES_AT, b.expiresAt().toString());
        if (b.outerPeer().isPresent()) {
            out.writeStringField(OUTER_PEER, DaemonSettings.describe(b.outerPeer().get()));
        } else {
            out.writeNullField(OUTER_PEER);
        }
        out.writeBooleanField(MOBILE_ROUTER, b.mobileRouter());
        out.writeBooleanField("keyManagementMobility", b.keyManagementMobility());
        out.writeArrayFieldStart(MOBILE_NETWORK_PREFIXES);
        for (MobileNetworkPrefix p : b.mobileNetworkPrefixes()) {
            out.writeString(text(p));
        }
        out.writeEndArray();
        Optional<TrafficCounters> t = traffic == null ? Optional.empty() : traffic.apply(b.homeAddress());
        if (t.isPresent()) {
            out.writeObjectFieldStart(TRAFFIC);
            out.writeNumberField("packetsToNode", t.get().packetsToNode());
            out.writeNumberField("bytesToNode", t.get().bytesToNode());
            out.writeNumberField("packetsFromNode", t.get().packetsFromNode());
            out.writeNumberField("bytesFromNode", t.get().bytesFromNode());
            out.writeEndObject();
        } else {
            out.writeNullField(TRAFFIC);
        }
        if (homeAgent != null) {
            out.writeStringField(HOME_AGENT, homeAgent.toString());
        } else {
            out.writeNullField(HOME_AGENT);
        }
        out.writeEndObject();
    }

    /** {@code 2001:db8:100::/48}. */
    public static String text(MobileNetworkPrefix p) {
        return p.prefix() + "/" + p.prefixLength();
    }
}
