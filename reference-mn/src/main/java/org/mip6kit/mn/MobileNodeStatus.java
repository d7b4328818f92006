package org.mip6kit.mn;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.mip6kit.engine.MobileNodeEngine;
import org.mip6kit.engine.MobileRouterSettings;
import org.mip6kit.spi.HomePrefix;
import org.mip6kit.wire.Ipv6Address;

/**
 * What the mobile node's admin socket answers to {@code status} (and, after a care-of change,
 * to {@code move}): a snapshot of the registration, as JSON fields and as lines for a person.
 *
 * <pre>
 * {"ok":true,"registered":true,"identity":"nai:mn1@example.org","homeAddress":"2001:db8:1::100",
 *  "careOfAddress":"192.0.2.10","careOfPath":"ipv4-udp","homeAgent":"2001:db8:1::1",
 *  "sequence":41237,"lifetimeSeconds":600,"expiresInSeconds":597,"provider":"auth-option-4285",
 *  "interface":"wlan0","udp":"[::]:52731"}
 * </pre>
 * While a Binding Update is outstanding it adds how long the node has waited for its home agent:
 * {@code "awaitingAnswerSeconds":14,"unansweredBindingUpdates":4} (a home agent that does not
 * answer shows a growing wait; see {@code docs/errors.md#home-agent-silent}).
 * A mobile router (RFC 3963) adds {@code "mobileRouter":"explicit"} (or {@code "implicit"}) and
 * {@code "mobileNetworkPrefixes":["2001:db8:100::/48"]}, the prefixes it registers (explicit) or
 * expects its home agent to hold (implicit).
 *
 * @param registered whether a registration is in force
 * @param identity the node's identity once bootstrap established it
 * @param homeAddress the registered home address
 * @param careOfAddress the care-of address the engine uses now (IPv4 as IPv4-mapped)
 * @param homeAgent the home agent that accepted the registration
 * @param sequence the sequence number of the accepted Binding Update
 * @param lifetimeSeconds the granted lifetime
 * @param expiresInSeconds seconds until the binding expires unless refreshed
 * @param provider the security provider's name
 * @param interfaceName the interface being followed, if any
 * @param udp the local UDP endpoint signalling leaves from
 * @param awaitingAnswerSeconds while a Binding Update is outstanding: seconds since the first
 *        Binding Update that nothing from the home agent has answered
 * @param unansweredBindingUpdates while a Binding Update is outstanding: how many left since then
 * @param mobileRouterMode {@code explicit} or {@code implicit} for a mobile router; empty for a host
 * @param mobileNetworkPrefixes a mobile router's configured prefixes ({@code 2001:db8:100::/48});
 *        empty for a host
 */
public record MobileNodeStatus(boolean registered, Optional<String> identity, Optional<Ipv6Address> homeAddress,
                               Ipv6Address careOfAddress, Optional<Ipv6Address> homeAgent, Optional<Integer> sequence,
                               Optional<Long> lifetimeSeconds, Optional<Long> expiresInSeconds, String provider,
                               Optional<String> interfaceName, Optional<String> udp,
                               Optional<Long> awaitingAnswerSeconds, Optional<Integer> unansweredBindingUpdates,
                               Optional<String> mobileRouterMode, List<String> mobileNetworkPrefixes) {

    public MobileNodeStatus {
        mobileNetworkPrefixes = List.copyOf(mobileNetworkPrefixes);
    }

    /** The snapshot of {@code engine} now. */
    static MobileNodeStatus of(MobileNodeEngine engine, Instant now, Optional<String> interfaceName,
                               Optional<String> udp) {
        Optional<MobileNodeEngine.Registration> r = engine.registration();
        return of(r, engine.awaitingAnswer(), engine.careOfAddress(), now, engine.provider().name(), interfaceName,
                udp, engine.settings().mobileRouter());
    }

    /** A snapshot of registration {@code r} (or none) and of the wait for an answer (or none) at {@code now}. */
    static MobileNodeStatus of(Optional<MobileNodeEngine.Registration> r, Optional<MobileNodeEngine.AwaitingAnswer> waiting,
                               Ipv6Address careOf, Instant now, String provider, Optional<String> interfaceName,
                               Optional<String> udp, Optional<MobileRouterSettings> router) {
        return new MobileNodeStatus(r.isPresent(), r.map(x -> x.identity().toString()),
                r.map(MobileNodeEngine.Registration::homeAddress), r.map(MobileNodeEngine.Registration::careOfAddress)
                        .orElse(careOf), r.map(MobileNodeEngine.Registration::homeAgent),
                r.map(x -> x.sequence().value()), r.map(x -> (long) x.grantedLifetime().seconds()),
                r.map(x -> Math.max(0, Duration.between(now, x.expiresAt()).toSeconds())), provider,
                interfaceName, udp, waiting.map(w -> w.waitedAt(now).toSeconds()),
                waiting.map(MobileNodeEngine.AwaitingAnswer::bindingUpdates),
                router.map(m -> m.mode().name().toLowerCase(Locale.ROOT)),
                router.map(m -> m.prefixes().stream().map(HomePrefix::toString).toList()).orElse(List.of()));
    }

    /** Writes the fields into {@code json}. */
    public void writeTo(ObjectNode json) {
        json.put("registered", registered);
        identity.ifPresent(v -> json.put("identity", v));
        homeAddress.ifPresent(v -> json.put("homeAddress", v.toString()));
        json.put("careOfAddress", CareOfAddresses.display(careOfAddress));
        json.put("careOfPath", careOfPath());
        homeAgent.ifPresent(v -> json.put("homeAgent", v.toString()));
        sequence.ifPresent(v -> json.put("sequence", v));
        lifetimeSeconds.ifPresent(v -> json.put("lifetimeSeconds", v));
        expiresInSeconds.ifPresent(v -> json.put("expiresInSeconds", v));
        json.put("provider", provider);
        interfaceName.ifPresent(v -> json.put("interface", v));
        udp.ifPresent(v -> json.put("udp", v));
        awaitingAnswerSeconds.ifPresent(v -> json.put("awaitingAnswerSeconds", v));
        unansweredBindingUpdates.ifPresent(v -> json.put("unansweredBindingUpdates", v));
        if (mobileRouterMode.isPresent()) {
            json.put("mobileRouter", mobileRouterMode.get());
            ArrayNode prefixes = json.putArray("mobileNetworkPrefixes");
            mobileNetworkPrefixes.forEach(prefixes::add);
        }
    }

    /**
     * Reads what {@link #writeTo} wrote (an admin socket answer).
     *
     * @throws IllegalArgumentException if a required field is missing or malformed
     */
    public static MobileNodeStatus fromJson(JsonNode json) {
        JsonNode registered = json.get("registered");
        JsonNode careOf = json.get("careOfAddress");
        JsonNode provider = json.get("provider");
        if (registered == null || !registered.isBoolean() || careOf == null || !careOf.isTextual()
                || provider == null || !provider.isTextual()) {
            throw new IllegalArgumentException("not a mobile node status: it needs registered, careOfAddress and "
                    + "provider fields");
        }
        return new MobileNodeStatus(registered.booleanValue(), text(json, "identity"),
                text(json, "homeAddress").map(Ipv6Address::parse), CareOfAddresses.parse(careOf.textValue()),
                text(json, "homeAgent").map(Ipv6Address::parse),
                Optional.ofNullable(json.get("sequence")).filter(JsonNode::isInt).map(JsonNode::intValue),
                number(json, "lifetimeSeconds"), number(json, "expiresInSeconds"), provider.textValue(),
                text(json, "interface"), text(json, "udp"), number(json, "awaitingAnswerSeconds"),
                Optional.ofNullable(json.get("unansweredBindingUpdates")).filter(JsonNode::isInt).map(JsonNode::intValue),
                text(json, "mobileRouter"), strings(json, "mobileNetworkPrefixes"));
    }

    /** {@code ipv6} or {@code ipv4-udp} (RFC 5555: the IPv4 Care-of Address option). */
    public String careOfPath() {
        return careOfAddress.isIpv4Mapped() ? "ipv4-udp" : "ipv6";
    }

    /** Lines for a person: {@code name: value}. */
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        lines.add("registered:      " + (registered ? "yes" : "no"));
        identity.ifPresent(v -> lines.add("identity:        " + v));
        homeAddress.ifPresent(v -> lines.add("home address:    " + v));
        lines.add("care-of address: " + CareOfAddresses.display(careOfAddress)
                + (careOfAddress.isIpv4Mapped() ? " (IPv4, RFC 5555 IPv4 Care-of Address option)" : " (IPv6)"));
        homeAgent.ifPresent(v -> lines.add("home agent:      " + v));
        sequence.ifPresent(v -> lines.add("sequence:        " + v));
        if (lifetimeSeconds.isPresent()) {
            lines.add("lifetime:        " + lifetimeSeconds.get() + " s granted"
                    + expiresInSeconds.map(e -> ", " + e + " s left").orElse(""));
        }
        lines.add("provider:        " + provider);
        interfaceName.ifPresent(v -> lines.add("following:       interface " + v));
        udp.ifPresent(v -> lines.add("udp:             " + v));
        awaitingAnswerSeconds.ifPresent(v -> lines.add("waiting:         " + v + " s for the home agent's answer"
                + unansweredBindingUpdates.map(n -> " (" + n + (n == 1 ? " Binding Update" : " Binding Updates")
                        + " unanswered)").orElse("")));
        mobileRouterMode.ifPresent(m -> lines.add("mobile router:   " + m + " mode, prefixes "
                + (mobileNetworkPrefixes.isEmpty() ? "(the home agent's)" : String.join(", ", mobileNetworkPrefixes))));
        return lines;
    }

    private static List<String> strings(JsonNode json, String field) {
        List<String> out = new ArrayList<>();
        JsonNode a = json.get(field);
        if (a != null && a.isArray()) {
            a.forEach(x -> {
                if (x.isTextual()) {
                    out.add(x.textValue());
                }
            });
        }
        return out;
    }

    private static Optional<String> text(JsonNode json, String field) {
        return Optional.ofNullable(json.get(field)).filter(JsonNode::isTextual).map(JsonNode::textValue);
    }

    private static Optional<Long> number(JsonNode json, String field) {
        return Optional.ofNullable(json.get(field)).filter(JsonNode::isIntegralNumber).map(JsonNode::longValue);
    }
}
