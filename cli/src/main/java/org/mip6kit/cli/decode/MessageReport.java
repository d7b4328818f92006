package org.mip6kit.cli.decode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mip6kit.wire.Alignment;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.BindingError;
import org.mip6kit.wire.BindingRefreshRequest;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.CareOfTest;
import org.mip6kit.wire.CareOfTestInit;
import org.mip6kit.wire.HomeTest;
import org.mip6kit.wire.HomeTestInit;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityHeaderType;
import org.mip6kit.wire.MobilityMessage;
import org.mip6kit.wire.MobilityOption;
import org.mip6kit.wire.MobilityOptionCodec;
import org.mip6kit.wire.MobilityOptionRegistry;
import org.mip6kit.wire.Pad1;
import org.mip6kit.wire.PadN;

/**
 * Everything {@code mip6kit decode} shows about one decoded Mobility Header message (RFC 6275
 * §6.1): the type, Header Len, checksum and how it was checked, the fixed fields of the type,
 * and each option with the offset where its Type octet sits and whether that meets the
 * option's alignment. Padding is listed apart from the options.
 *
 * @param type      the MH Type
 * @param length    octets of the Mobility Header
 * @param headerLen the Header Len octet
 * @param checksum  the Checksum field and how it was checked
 * @param fields    the type's fixed fields in wire order
 * @param options   the options in wire order, without padding
 * @param padding   the Pad1/PadN options
 */
public record MessageReport(MobilityHeaderType type, int length, int headerLen, ChecksumReport checksum,
                            List<Field> fields, List<OptionReport> options, List<PaddingReport> padding) {

    /** Octets of each RFC 6275 type's fixed part after the 6-octet common header (RFC 6275 §6.1). */

    public MessageReport {
        fields = List.copyOf(fields);
        options = List.copyOf(options);
        padding = List.copyOf(padding);
    }

    /**
     * How the Checksum field was checked.
     *
     * @param value       the field as received
     * @param verified    true when it verified against the pseudo-header addresses below
     * @param source      the pseudo-header source used, or null when not verified
     * @param destination the pseudo-header destination used, or null when not verified
     * @param note        why it was not verified, or null
     */
    public record ChecksumReport(int value, boolean verified, Ipv6Address source, Ipv6Address destination,
                                 String note) {

        public static ChecksumReport verified(int value, Ipv6Address source, Ipv6Address destination) {
            return new ChecksumReport(value, true, source, destination, null);
        }

        public static ChecksumReport notVerified(int value, String note) {
            return new ChecksumReport(value, false, null, null, note);
        }

        public String hex() {
            return String.format("0x%04x", value);
        }
    }

    /**
     * One mobility option.
     *
     * @param type       the Option Type octet
     * @param name       the registry's name for it ({@code "Unknown"} when no codec knows it)
     * @param offset     where the Type octet sits, from the start of the Mobility Header
     * @param dataLength the Option Length octet
     * @param alignment  the option's alignment requirement ({@code none} when it has none)
     * @param fields     the option's fields
     */
    public record OptionReport(int type, String name, int offset, int dataLength, Alignment alignment,
                               List<Field> fields) {

        public OptionReport {
            fields = List.copyOf(fields);
        }

        /** Whether {@link #offset} meets {@link #alignment}. */
        public boolean aligned() {
            return alignment.paddingBefore(offset) == 0;
        }
    }

    /**
     * A Pad1 or PadN option.
     *
     * @param offset where it starts
     * @param octets its total size (1 for Pad1, Option Length + 2 for PadN)
     */
    public record PaddingReport(int offset, int octets) {

        public int type() {
            return octets == 1 ? Pad1.TYPE : PadN.TYPE;
        }

        public String name() {
            return octets == 1 ? "Pad1" : "PadN";
        }
    }

    /**
     * Describes a message the codec decoded from {@code mh}. The octets give what the value
     * no longer holds: option offsets, padding, reserved flag bits, the checksum.
     *
     * @param mh       the Mobility Header octets {@code message} was decoded from
     * @param message  the decoded message
     * @param checksum how the checksum was checked
     * @param registry the registry the message was decoded with (names and alignments)
     */
    public static MessageReport describe(byte[] mh, MobilityMessage message, ChecksumReport checksum,
                                         MobilityOptionRegistry registry) {
        int typeCode = message.type().code();
        List<OptionReport> options = new ArrayList<>();
        List<PaddingReport> padding = new ArrayList<>();
        List<MobilityOption> values = message.options();
        int next = 0;
        int start = MobilityHeaderCodec.optionsOffset(mh);
        int i = start >= 0 ? start : mh.length;
        while (i < mh.length) {
            int optionType = mh[i] & 0xFF;
            if (optionType == Pad1.TYPE) {
                padding.add(new PaddingReport(i, 1));
                i++;
                continue;
            }
            // The codec already checked that every option fits, so these reads stay in bounds.
            int dataLength = mh[i + 1] & 0xFF;
            if (optionType == PadN.TYPE) {
                padding.add(new PaddingReport(i, dataLength + 2));
            } else if (next < values.size()) {
                MobilityOption value = values.get(next++);
                Alignment alignment = registry.codec(optionType).map(MobilityOptionCodec::alignment)
                        .orElse(Alignment.NONE);
                options.add(new OptionReport(optionType, registry.name(optionType), i, dataLength, alignment,
                        OptionFields.of(value)));
            }
            i += 2 + dataLength;
        }
        return new MessageReport(message.type(), mh.length, mh[1] & 0xFF, checksum, fixedFields(mh, message),
                options, padding);
    }

    private static List<Field> fixedFields(byte[] mh, MobilityMessage message) {
        if (message instanceof BindingUpdate bu) {
            return List.of(Field.of("sequence", "sequence", bu.sequence().value()),
                    flags(u16(mh, 8), 16, BindingUpdate.DEFINED_FLAG_BITS, flagStates(BindingUpdate.Flag.values())),
                    OptionFields.lifetime("lifetime", "lifetime", bu.lifetime()));
        }
        if (message instanceof BindingAcknowledgement ba) {
            Map<String, Object> status = NamedCode.json(ba.status().code(), ba.status().name());
            status.put("accepted", ba.isAccepted());
            return List.of(new Field("status", "status", status,
                            ba.status() + (ba.isAccepted() ? ", accepted" : ", rejected")),
                    flags(mh[7] & 0xFF, 8, 0xFE, flagStates(BindingAcknowledgement.Flag.values())),
                    Field.of("sequence", "sequence", ba.sequence().value()),
                    OptionFields.lifetime("lifetime", "lifetime", ba.lifetime()));
        }
        if (message instanceof BindingError be) {
            return List.of(new Field("status", "status", NamedCode.json(be.status().code(), be.status().name()),
                            be.status().toString()),
                    new Field("homeAddress", "home address", be.homeAddress().toString(),
                            be.homeAddress() + (be.homeAddress().isUnspecified() ? " (no Home Address option)" : "")));
        }
        if (message instanceof HomeTestInit hoti) {
            return List.of(Field.of("homeInitCookie", "home init cookie", hex64(hoti.homeInitCookie())));
        }
        if (message instanceof CareOfTestInit coti) {
            return List.of(Field.of("careOfInitCookie", "care-of init cookie", hex64(coti.careOfInitCookie())));
        }
        if (message instanceof HomeTest hot) {
            return List.of(Field.of("homeNonceIndex", "home nonce index", hot.homeNonceIndex()),
                    Field.of("homeInitCookie", "home init cookie", hex64(hot.homeInitCookie())),
                    Field.of("homeKeygenToken", "home keygen token", hex64(hot.homeKeygenToken())));
        }
        if (message instanceof CareOfTest cot) {
            return List.of(Field.of("careOfNonceIndex", "care-of nonce index", cot.careOfNonceIndex()),
                    Field.of("careOfInitCookie", "care-of init cookie", hex64(cot.careOfInitCookie())),
                    Field.of("careOfKeygenToken", "care-of keygen token", hex64(cot.careOfKeygenToken())));
        }
        if (message instanceof BindingRefreshRequest) {
            return List.of();
        }
        if (message instanceof org.mip6kit.wire.HomeAgentSwitch has) {
            List<String> agents = has.homeAgents().stream().map(Object::toString).toList();
            return List.of(new Field("homeAgents", "home agents", agents,
                    agents.isEmpty() ? "none (discover one)" : String.join(", ", agents)));
        }
        return List.of(Field.of("value", "value", message.toString()));
    }

    /** A flag as letter, mask and JSON name, whichever message's enum it comes from. */
    private record FlagState(char letter, int mask, String name) {
    }

    private static List<FlagState> flagStates(BindingUpdate.Flag[] flags) {
        List<FlagState> out = new ArrayList<>();
        for (BindingUpdate.Flag f : flags) {
            out.add(new FlagState(f.letter(), f.mask(), lowerCamel(f.name())));
        }
        return out;
    }

    private static List<FlagState> flagStates(BindingAcknowledgement.Flag[] flags) {
        List<FlagState> out = new ArrayList<>();
        for (BindingAcknowledgement.Flag f : flags) {
            out.add(new FlagState(f.letter(), f.mask(), lowerCamel(f.name())));
        }
        return out;
    }

    /**
     * The flags field: every defined flag by letter as set (1) or clear (0), the letters of the
     * set ones, the raw value, and any reserved bits that are set (receivers ignore them).
     */
    private static Field flags(int bits, int width, int definedBits, List<FlagState> states) {
        StringBuilder text = new StringBuilder();
        StringBuilder letters = new StringBuilder();
        List<Map<String, Object>> each = new ArrayList<>();
        String maskFormat = width == 16 ? "0x%04x" : "0x%02x";
        for (FlagState f : states) {
            boolean set = (bits & f.mask()) != 0;
            text.append(f.letter()).append('=').append(set ? 1 : 0).append(' ');
            if (set) {
                letters.append(f.letter());
            }
            Map<String, Object> state = new LinkedHashMap<>();
            state.put("letter", String.valueOf(f.letter()));
            state.put("name", f.name());
            state.put("mask", String.format(maskFormat, f.mask()));
            state.put("set", set);
            each.add(state);
        }
        int reserved = bits & ~definedBits & ((1 << width) - 1);
        text.append('(').append(letters.length() == 0 ? "none set" : letters).append(", ")
                .append(String.format(maskFormat, bits));
        if (reserved != 0) {
            text.append(", reserved bits ").append(String.format(maskFormat, reserved)).append(" set");
        }
        text.append(')');
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("value", bits);
        json.put("hex", String.format(maskFormat, bits));
        json.put("letters", letters.toString());
        json.put("reserved", reserved);
        json.put("bits", each);
        return new Field("flags", "flags", json, text.toString());
    }

    private static String lowerCamel(String enumName) {
        StringBuilder sb = new StringBuilder();
        boolean upper = false;
        for (char c : enumName.toLowerCase(Locale.ROOT).toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                sb.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return sb.toString();
    }

    private static String hex64(long value) {
        return String.format("0x%016x", value);
    }

    private static int u16(byte[] b, int offset) {
        return (b[offset] & 0xFF) << 8 | (b[offset + 1] & 0xFF);
    }

    /** The JSON object; the keys are listed in {@code mip6kit decode --help}. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", NamedCode.json(type.code(), type.name()));
        m.put("length", length);
        m.put("headerLen", headerLen);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("value", checksum.value());
        c.put("hex", checksum.hex());
        c.put("verified", checksum.verified());
        c.put("pseudoHeaderSource", checksum.source() == null ? null : checksum.source().toString());
        c.put("pseudoHeaderDestination", checksum.destination() == null ? null : checksum.destination().toString());
        c.put("note", checksum.note());
        m.put("checksum", c);
        for (Field f : fields) {
            m.put(f.key(), f.json());
        }
        List<Map<String, Object>> opts = new ArrayList<>();
        for (OptionReport o : options) {
            Map<String, Object> om = new LinkedHashMap<>();
            om.put("type", o.type());
            om.put("name", o.name());
            om.put("offset", o.offset());
            om.put("length", o.dataLength());
            om.put("alignment", o.alignment().toString());
            om.put("aligned", o.aligned());
            for (Field f : o.fields()) {
                om.put(f.key(), f.json());
            }
            opts.add(om);
        }
        m.put("options", opts);
        List<Map<String, Object>> pads = new ArrayList<>();
        for (PaddingReport p : padding) {
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("type", p.type());
            pm.put("name", p.name());
            pm.put("offset", p.offset());
            pm.put("octets", p.octets());
            pads.add(pm);
        }
        m.put("padding", pads);
        return m;
    }
}
