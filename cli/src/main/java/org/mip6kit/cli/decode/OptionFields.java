package org.mip6kit.cli.decode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mip6kit.wire.AlternateCareOfAddress;
import org.mip6kit.wire.BindingAuthorizationData;
import org.mip6kit.wire.BindingRefreshAdvice;
import org.mip6kit.wire.Ipv4AddressAcknowledgement;
import org.mip6kit.wire.Ipv4CareOfAddress;
import org.mip6kit.wire.Ipv4HomeAddressRequest;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobileNetworkPrefix;
import org.mip6kit.wire.MobileNodeIdentifier;
import org.mip6kit.wire.MobilityOption;
import org.mip6kit.wire.NatDetection;
import org.mip6kit.wire.NonceIndices;
import org.mip6kit.wire.UnknownOption;

/**
 * The fields of each mobility option value (RFC 6275 §6.2, RFC 3963, 4283, 5555), in wire
 * order. Options of a type this table does not list (an extension module's codec) show their
 * {@code toString()} as one field, {@code value}.
 */
final class OptionFields {

    private OptionFields() {
    }

    static List<Field> of(MobilityOption option) {
        if (option instanceof BindingRefreshAdvice bra) {
            return List.of(lifetime("refreshInterval", "refresh interval", bra.refreshInterval()));
        }
        if (option instanceof AlternateCareOfAddress acoa) {
            return List.of(Field.of("address", "address", acoa.address().toString()));
        }
        if (option instanceof NonceIndices ni) {
            return List.of(Field.of("homeNonceIndex", "home nonce index", ni.homeNonceIndex()),
                    Field.of("careOfNonceIndex", "care-of nonce index", ni.careOfNonceIndex()));
        }
        if (option instanceof BindingAuthorizationData bad) {
            return List.of(Field.of("authenticator", "authenticator", HexText.format(bad.authenticator())));
        }
        if (option instanceof MobileNetworkPrefix mnp) {
            return List.of(Field.of("prefixLength", "prefix length", mnp.prefixLength()),
                    new Field("prefix", "prefix", mnp.prefix().toString(), mnp.prefix() + "/" + mnp.prefixLength()));
        }
        if (option instanceof MobileNodeIdentifier id) {
            String subtypeName = mobileNodeIdentifierSubtype(id.subtype());
            Field subtype = new Field("subtype", "subtype", NamedCode.json(id.subtype(), subtypeName),
                    NamedCode.text(id.subtype(), subtypeName));
            Field identifier = Field.of("identifier", "identifier", HexText.format(id.identifier()));
            if (id.isNai()) {
                return List.of(subtype, identifier, Field.of("nai", "NAI", id.nai()));
            }
            return List.of(subtype, identifier);
        }
        if (option instanceof Ipv4HomeAddressRequest hoa) {
            return List.of(Field.of("prefixLength", "prefix length", hoa.prefixLength()),
                    Field.of("mobileNetworkPrefixRequested", "P (mobile network prefix requested)",
                            hoa.mobileNetworkPrefixRequested()),
                    new Field("address", "address", hoa.address().toString(),
                            hoa.address() + (hoa.address().toInt() == 0 ? " (asks the home agent to assign one)" : "")));
        }
        if (option instanceof Ipv4AddressAcknowledgement ack) {
            Map<String, Object> status = NamedCode.json(ack.status().code(), ack.status().name());
            status.put("success", ack.status().isSuccess());
            return List.of(new Field("status", "status", status,
                            ack.status() + (ack.status().isSuccess() ? ", success" : ", failure")),
                    Field.of("prefixLength", "prefix length", ack.prefixLength()),
                    Field.of("address", "address", ack.address().toString()));
        }
        if (option instanceof NatDetection nat) {
            String refresh = nat.refreshTimeSeconds() == NatDetection.NO_KEEPALIVE
                    ? nat.refreshTimeSeconds() + " (no keepalives needed)"
                    : nat.refreshTimeSeconds() + " s";
            return List.of(Field.of("forceUdpEncapsulation", "F (force UDP encapsulation)", nat.forceUdpEncapsulation()),
                    new Field("refreshTimeSeconds", "refresh time", nat.refreshTimeSeconds(), refresh));
        }
        if (option instanceof Ipv4CareOfAddress coa) {
            return List.of(Field.of("address", "address", coa.address().toString()));
        }
        if (option instanceof UnknownOption unknown) {
            return List.of(Field.of("data", "data", HexText.format(unknown.data())));
        }
        return List.of(Field.of("value", "value", option.toString()));
    }

    /** A lifetime in 4-second units: {@code {"units": 150, "seconds": 600}}, text {@code 600 s (150 units of 4 s)}. */
    static Field lifetime(String key, String label, Lifetime lifetime) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("units", lifetime.units());
        json.put("seconds", lifetime.seconds());
        return new Field(key, label, json, lifetime.seconds() + " s (" + lifetime.units() + " units of "
                + Lifetime.UNIT_SECONDS + " s)");
    }

    /** RFC 4283 subtype 1 and the RFC 8371 additions. */
    private static String mobileNodeIdentifierSubtype(int subtype) {
        return switch (subtype) {
            case 1 -> "NAI";
            case 2 -> "IPv6 address";
            case 3 -> "IMSI";
            case 4 -> "P-TMSI";
            case 5 -> "EUI-48";
            case 6 -> "EUI-64";
            case 7 -> "GUTI";
            case 8 -> "DUID";
            default -> "Unassigned";
        };
    }
}
