package org.mip6kit.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.mip6kit.cli.decode.DecodedEntry;
import org.mip6kit.cli.decode.EntryDecoder;
import org.mip6kit.cli.decode.HexText;
import org.mip6kit.cli.decode.HumanFormat;
import org.mip6kit.cli.decode.InstalledOptionCodecs;
import org.mip6kit.cli.decode.JsonFormat;
import org.mip6kit.inject.SecurityProviders;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.pcap.PcapFormatException;
import org.mip6kit.wire.pcap.PcapReader;
import org.mip6kit.wire.pcap.PcapRecord;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mip6kit decode}: shows a Mobility Header message (RFC 6275 §6.1) given as hex, alone
 * or inside a whole packet, or every one in a pcap file. Decoding is the codec's strict
 * decoding; a malformed message is reported with the field, offset and reaction the codec
 * names, and the exit code is {@value Mip6kitCommand#EXIT_BAD_INPUT}.
 */
@Command(name = "decode",
        mixinStandardHelpOptions = true,
        versionProvider = Mip6kitCommand.Version.class,
        sortOptions = false,
        usageHelpWidth = 100,
        description = {
                "Decode Mobility Header messages (RFC 6275 section 6.1) and show every field.",
                "",
                "Input: HEX arguments (joined into one message; spaces, colons and 0x prefixes are allowed), "
                        + "or standard input when no HEX is given or HEX is '-' (blank lines separate several "
                        + "messages; '#' starts a comment), or --pcap FILE.",
                "A hex message starting with octet 0x3b (Payload Proto 59) is a bare Mobility Header; one whose "
                        + "first nibble is 6 or 4 is a whole IPv6 packet or an IPv4/UDP packet (RFC 5555). "
                        + "--mh / --packet override this.",
                "A bare Mobility Header's checksum is verified only with --src and --dst (the pseudo-header "
                        + "addresses: the home address, not the care-of address, where a Home Address option or "
                        + "type 2 routing header is involved). A packet's checksum is always verified with its own "
                        + "pseudo-header addresses.",
                ""
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:every message decoded",
                "1:a file could not be read",
                "2:malformed input (bad hex, a malformed packet or Mobility Header, a bad checksum, "
                        + "a garbled pcap file) or a usage error; the error goes to stderr"
        },
        footerHeading = "%nJSON output (--json):%n",
        footer = {
                "One document: an object for one message, an array for several, always an array for --pcap.",
                "Entry: length (octets of input); frame, timestamp (pcap only); packet (packet input only); "
                        + "then one of message, error, skipped (pcap only: why the record holds no Mobility Header).",
                "packet: length, udpEncapsulation {ipVersion, source, destination, sourcePort, destinationPort} "
                        + "or null, source, destination, homeAddressOption or null, type2RoutingHeader or null, "
                        + "pseudoHeaderSource, pseudoHeaderDestination, mobilityHeaderOffset, mobilityHeaderLength.",
                "message: type {code, name}, length, headerLen, checksum {value, hex, verified, "
                        + "pseudoHeaderSource, pseudoHeaderDestination, note}, the type's fields, options [...], "
                        + "padding [{type, name, offset, octets}].",
                "  Binding Update: sequence, flags, lifetime.  Binding Acknowledgement: status {code, name, "
                        + "accepted}, flags, sequence, lifetime.  Binding Error: status {code, name}, homeAddress.",
                "  Home Test Init / Care-of Test Init: homeInitCookie / careOfInitCookie.  Home Test / Care-of "
                        + "Test: homeNonceIndex, homeInitCookie, homeKeygenToken / careOf... (64-bit values as "
                        + "\"0x\" hex strings).",
                "  flags: {value, hex, letters, reserved, bits [{letter, name, mask, set}]}; "
                        + "lifetime: {units, seconds} (units of 4 s).",
                "option: type, name, offset (of the Type octet in the Mobility Header), length (Option Length), "
                        + "alignment (\"8n+6\", \"none\"), aligned, then its fields:",
                "  Binding Refresh Advice: refreshInterval {units, seconds}.  Alternate Care-of Address: address.  "
                        + "Nonce Indices: homeNonceIndex, careOfNonceIndex.",
                "  Binding Authorization Data: authenticator (hex).  Mobile Network Prefix: prefixLength, prefix.  "
                        + "Mobile Node Identifier: subtype {code, name}, identifier (hex), nai (subtype 1).",
                "  IPv4 Home Address: prefixLength, mobileNetworkPrefixRequested, address.  IPv4 Address "
                        + "Acknowledgement: status {code, name, success}, prefixLength, address.",
                "  NAT Detection: forceUdpEncapsulation, refreshTimeSeconds.  IPv4 Care-of Address: address.  "
                        + "Unknown: data (hex).",
                "  An installed provider's options (found on the class path, in plugins/ and in MIP6KIT_PLUGINS, "
                        + "such as RFC 4285's types 9 and 10) carry the provider's name for them and value (its text).",
                "error: layer (\"packet\" or \"mobilityHeader\"), field, offset (from the start of that layer), "
                        + "packetOffset (where the Mobility Header starts in the packet, or null), reaction "
                        + "(SILENT_DISCARD, ICMP_PARAMETER_PROBLEM, BINDING_ERROR_UNRECOGNIZED_TYPE), message.",
                "",
                "pcap: classic libpcap files (not pcapng); frames are numbered from 1 as Wireshark numbers them "
                        + "(link-layer frames of other protocols are passed over, but counted). "
                        + "A record that does not parse as a packet carrying a Mobility Header is skipped with the "
                        + "reason; a Mobility Header that does not decode is an error (exit 2) and the other "
                        + "records are still shown.",
                "",
                "Examples:",
                "  mip6kit decode 3b0106005fd900800001009601020000 --src 2001:db8:1::1 --dst 2001:db8:1::100",
                "  echo 3b0305005f7d0001d00000960100031020010db8000200000000000000000100 | mip6kit decode --json",
                "  mip6kit decode --pcap capture.pcap"
        })
public final class DecodeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "HEX", arity = "0..*",
            description = "The message in hex, or '-' for standard input (the default).")
    List<String> hex = new ArrayList<>();

    @Option(names = "--pcap", paramLabel = "FILE", description = "Decode every packet of a classic pcap file.")
    Path pcap;

    @Option(names = "--src", paramLabel = "IPV6", converter = Ipv6AddressConverter.class,
            description = "Pseudo-header source for a bare Mobility Header's checksum (with --dst).")
    Ipv6Address source;

    @Option(names = "--dst", paramLabel = "IPV6", converter = Ipv6AddressConverter.class,
            description = "Pseudo-header destination for a bare Mobility Header's checksum (with --src).")
    Ipv6Address destination;

    @ArgGroup(exclusive = true)
    Interpretation interpretation;

    @Option(names = "--json", description = "Write JSON (keys below) instead of text.")
    boolean json;

    /** {@code --mh} / {@code --packet}: how to read hex input, instead of looking at its first octet. */
    static final class Interpretation {
        @Option(names = "--mh", required = true, description = "Read the hex as a bare Mobility Header.")
        boolean mobilityHeader;

        @Option(names = "--packet", required = true,
                description = "Read the hex as a whole packet (IPv6, or IPv4/UDP).")
        boolean packet;
    }

    private final InputStream stdin;
    private EntryDecoder decoder;

    /** For picocli's default factory: reads {@link System#in}. */
    public DecodeCommand() {
        this(System.in);
    }

    public DecodeCommand(InputStream stdin) {
        this.stdin = stdin;
    }

    /** A hex input could not be turned into octets, or its kind cannot be told. */
    private static final class BadInputException extends Exception {
        BadInputException(String message) {
            super(message);
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        checkOptions();
        InstalledOptionCodecs options = InstalledOptionCodecs.of(
                SecurityProviders.discover(DecodeCommand.class.getClassLoader()));
        options.warnings().forEach(w -> err.println("mip6kit decode: " + w));
        decoder = new EntryDecoder(new MobilityHeaderCodec(options.registry()));
        try {
            if (pcap != null) {
                return decodePcap(out, err);
            }
            return decodeHex(out, err);
        } finally {
            out.flush();
            err.flush();
        }
    }

    private void checkOptions() {
        if ((source == null) != (destination == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--src and --dst go together: give both pseudo-header addresses or neither");
        }
        if (pcap != null && !hex.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give either HEX or --pcap FILE, not both");
        }
        if (pcap != null && (source != null || interpretation != null)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--src/--dst and --mh/--packet apply to hex input; a pcap file holds whole packets");
        }
        if (hex.size() > 1 && hex.contains("-")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "'-' (standard input) must be the only HEX");
        }
        if (source != null && interpretation != null && interpretation.packet) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--src/--dst are for a bare Mobility Header; a packet's own addresses give the pseudo-header");
        }
    }

    private int decodeHex(PrintWriter out, PrintWriter err) {
        List<byte[]> messages;
        try {
            messages = hex.isEmpty() || hex.equals(List.of("-")) ? readStdin(err) : List.of(parseArguments());
        } catch (BadInputException e) {
            err.println("bad hex: " + e.getMessage());
            return Mip6kitCommand.EXIT_BAD_INPUT;
        } catch (IOException e) {
            err.println("cannot read standard input: " + e.getMessage());
            return Mip6kitCommand.EXIT_FAILURE;
        }
        boolean several = messages.size() > 1;
        List<DecodedEntry> entries = new ArrayList<>();
        boolean bad = false;
        for (int i = 0; i < messages.size(); i++) {
            String where = several ? "input " + (i + 1) + ": " : "";
            try {
                DecodedEntry entry = decodeOne(messages.get(i));
                if (entry.isMalformed()) {
                    err.println(where + entry.error().line());
                    bad = true;
                }
                entries.add(entry);
            } catch (BadInputException e) {
                err.println(where + e.getMessage());
                bad = true;
            }
        }
        if (!entries.isEmpty()) {
            if (json) {
                JsonFormat.write(entries, several, out);
            } else if (several || !entries.get(0).isMalformed()) {
                HumanFormat.write(entries, several, out);
            }
        }
        return bad ? Mip6kitCommand.EXIT_BAD_INPUT : Mip6kitCommand.EXIT_OK;
    }

    private DecodedEntry decodeOne(byte[] octets) throws BadInputException {
        boolean asPacket;
        if (interpretation != null) {
            asPacket = interpretation.packet;
        } else {
            int first = octets[0] & 0xFF;
            if (first == MobilityHeaderCodec.PAYLOAD_PROTO_NONE) {
                asPacket = false;
            } else if (first >>> 4 == 6 || first >>> 4 == 4) {
                asPacket = true;
            } else {
                throw new BadInputException(String.format("cannot tell what the hex is: first octet 0x%02x is "
                        + "neither Payload Proto 59 (0x3b, a bare Mobility Header) nor IP version 6 or 4 "
                        + "(a packet); use --mh or --packet", first));
            }
        }
        if (asPacket) {
            if (source != null) {
                throw new BadInputException("--src/--dst are for a bare Mobility Header; this hex is a packet, "
                        + "whose own addresses give the pseudo-header");
            }
            return decoder.packet(octets);
        }
        return decoder.mobilityHeader(octets, source, destination);
    }

    private byte[] parseArguments() throws BadInputException {
        try {
            return HexText.parse(String.join(" ", hex));
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage() + (hex.size() > 1 ? " (of the arguments joined by spaces)" : ""));
        }
    }

    /** Standard input: messages separated by blank lines, {@code #} comments removed. */
    private List<byte[]> readStdin(PrintWriter err) throws IOException, BadInputException {
        if (stdin == System.in && System.console() != null) {
            err.println("reading hex from standard input (end with Ctrl-D)...");
            err.flush();
        }
        String text = new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
        List<byte[]> messages = new ArrayList<>();
        java.io.ByteArrayOutputStream current = new java.io.ByteArrayOutputStream();
        String[] lines = text.split("\\R", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n];
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            if (line.isBlank()) {
                if (lines[n].isBlank() && current.size() > 0) {
                    messages.add(current.toByteArray());
                    current.reset();
                }
                continue;
            }
            try {
                current.writeBytes(HexText.parse(line));
            } catch (IllegalArgumentException e) {
                throw new BadInputException("standard input line " + (n + 1) + ": " + e.getMessage());
            }
        }
        if (current.size() > 0) {
            messages.add(current.toByteArray());
        }
        if (messages.isEmpty()) {
            throw new BadInputException("no hex found on standard input");
        }
        return messages;
    }

    private int decodePcap(PrintWriter out, PrintWriter err) {
        List<DecodedEntry> entries = new ArrayList<>();
        boolean bad = false;
        int status = Mip6kitCommand.EXIT_OK;
        try (PcapReader reader = new PcapReader(pcap)) {
            for (Optional<PcapRecord> r = reader.next(); r.isPresent(); r = reader.next()) {
                int frame = (int) reader.lastRecordNumber();
                DecodedEntry entry = decoder.frame(frame, r.get().timestamp(), r.get().packet());
                if (entry.isMalformed()) {
                    err.println("frame " + frame + ": " + entry.error().line());
                    bad = true;
                }
                entries.add(entry);
            }
        } catch (PcapFormatException e) {
            err.println(pcap + ": " + e.getMessage());
            status = Mip6kitCommand.EXIT_BAD_INPUT;
        } catch (NoSuchFileException e) {
            err.println("cannot read " + pcap + ": no such file");
            return Mip6kitCommand.EXIT_FAILURE;
        } catch (IOException e) {
            err.println("cannot read " + pcap + ": " + e);
            status = Mip6kitCommand.EXIT_FAILURE;
        }
        if (json) {
            JsonFormat.write(entries, true, out);
        } else if (!entries.isEmpty()) {
            HumanFormat.write(entries, false, out);
        } else if (status == Mip6kitCommand.EXIT_OK) {
            out.println("no packets in " + pcap);
        }
        if (status != Mip6kitCommand.EXIT_OK) {
            return status;
        }
        return bad ? Mip6kitCommand.EXIT_BAD_INPUT : Mip6kitCommand.EXIT_OK;
    }

    /** Parses {@code --src}/{@code --dst}; picocli turns the exception into a usage error naming the option. */
    static final class Ipv6AddressConverter implements CommandLine.ITypeConverter<Ipv6Address> {
        @Override
        public Ipv6Address convert(String value) {
            try {
                return Ipv6Address.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not an IPv6 address: "
                        + e.getMessage());
            }
        }
    }
}
