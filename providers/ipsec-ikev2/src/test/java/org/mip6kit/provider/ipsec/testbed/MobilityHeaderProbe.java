package org.mip6kit.provider.ipsec.testbed;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.mip6kit.provider.ipsec.testbed.CharonTestbed.ExecResult;
import org.mip6kit.provider.ipsec.testbed.CharonTestbed.Side;

/**
 * Sends and receives Mobility Header packets (IPv6 next header 135, RFC 6275 §6.1) inside a
 * {@link CharonTestbed} namespace with a small python3 script using only the standard
 * {@code socket} module: a raw IPv6 socket for protocol 135 bound to the source address (and
 * optionally to a device), and a receiver that asks for {@code IPV6_PKTINFO} to learn each
 * packet's ingress interface.
 *
 * <p>The packet sent is a Binding Update: MH type 5, A flag, lifetime 10, the given sequence
 * number, a PadN option to 16 octets, and a correct MH checksum (pseudo-header of the given
 * source and destination). The receiver reports one line per packet:
 * {@code PKT src=... dst=... ifindex=... ifname=... len=... type=... seq=...}.
 */
public final class MobilityHeaderProbe {
    private static final String SCRIPT = """
            import select, socket, struct, sys
            MH = 135
            def checksum(src, dst, data):
                pseudo = (socket.inet_pton(socket.AF_INET6, src) + socket.inet_pton(socket.AF_INET6, dst)
                          + struct.pack('!I3xB', len(data), MH))
                b = pseudo + data + (b'\\0' if len(data) % 2 else b'')
                s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
                while s >> 16:
                    s = (s & 0xffff) + (s >> 16)
                return (~s) & 0xffff
            def binding_update(src, dst, seq):
                # payload proto 59, header len 1 (16 octets), type 5, reserved, checksum 0 for now
                mh = struct.pack('!BBBBH', 59, 1, 5, 0, 0)
                mh += struct.pack('!HHH', seq, 0x8000, 10) + bytes([1, 2, 0, 0])
                return mh[:4] + struct.pack('!H', checksum(src, dst, mh)) + mh[6:]
            if sys.argv[1] == 'send':
                src, dst, seq = sys.argv[2], sys.argv[3], int(sys.argv[4])
                s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, MH)
                if len(sys.argv) > 5:
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, sys.argv[5].encode())
                s.bind((src, 0))
                print('SENT', s.sendto(binding_update(src, dst, seq), (dst, 0)), flush=True)
            else:
                limit = float(sys.argv[2])
                s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, MH)
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVPKTINFO, 1)
                print('READY', flush=True)
                while select.select([s], [], [], limit)[0]:
                    data, anc, flags, addr = s.recvmsg(4096, 256)
                    dst, ifindex = '?', 0
                    for level, kind, value in anc:
                        if level == socket.IPPROTO_IPV6 and kind == socket.IPV6_PKTINFO:
                            dst = socket.inet_ntop(socket.AF_INET6, value[:16])
                            ifindex = struct.unpack('@I', value[16:20])[0]
                    name = socket.if_indextoname(ifindex) if ifindex else '?'
                    seq = struct.unpack('!H', data[6:8])[0] if len(data) >= 8 else -1
                    mh_type = data[2] if len(data) > 2 else -1
                    print('PKT src=%s dst=%s ifindex=%d ifname=%s len=%d type=%d seq=%d'
                          % (addr[0], dst, ifindex, name, len(data), mh_type, seq), flush=True)
                print('END', flush=True)
            """;

    /**
     * One received Mobility Header packet.
     *
     * @param source the IPv6 source
     * @param destination the IPv6 destination (from IPV6_PKTINFO)
     * @param ifindex the ingress interface index (from IPV6_PKTINFO)
     * @param ifname that interface's name in the receiving namespace
     * @param length the MH length in octets
     * @param mhType the MH type
     * @param sequence the BU sequence number
     */
    public record Packet(String source, String destination, int ifindex, String ifname, int length, int mhType,
            int sequence) {
        static Packet parse(String line) {
            Map<String, String> f = new HashMap<>();
            for (String token : line.substring("PKT ".length()).split(" ")) {
                int eq = token.indexOf('=');
                f.put(token.substring(0, eq), token.substring(eq + 1));
            }
            return new Packet(f.get("src"), f.get("dst"), Integer.parseInt(f.get("ifindex")), f.get("ifname"),
                    Integer.parseInt(f.get("len")), Integer.parseInt(f.get("type")), Integer.parseInt(f.get("seq")));
        }
    }

    private final CharonTestbed bed;
    private final Path python;
    private final Path script;
    private final Path dir;

    /**
     * @param bed the testbed
     * @param python the python3 executable
     * @param dir where the script and receivers' stderr go
     * @throws IOException if the script cannot be written
     */
    public MobilityHeaderProbe(CharonTestbed bed, Path python, Path dir) throws IOException {
        this.bed = bed;
        this.python = python;
        this.dir = dir;
        this.script = dir.resolve("mh_probe.py");
        Files.writeString(script, SCRIPT, StandardCharsets.UTF_8);
    }

    /**
     * Sends one Binding Update.
     *
     * @param side where to send from
     * @param source source address (must be configured in that namespace)
     * @param destination destination address
     * @param sequence BU sequence number (identifies the packet at the receiver)
     * @param device if non-null, SO_BINDTODEVICE to it (bypasses routes through other devices)
     * @return the script's result ({@code SENT 16} on success)
     */
    public ExecResult send(Side side, String source, String destination, int sequence, String device)
            throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of(python.toString(), script.toString(), "send", source, destination,
                Integer.toString(sequence)));
        if (device != null) {
            argv.add(device);
        }
        return bed.exec(side, argv.toArray(String[]::new));
    }

    /**
     * Starts a receiver in a namespace and waits until its socket is open.
     *
     * @param side where to listen
     * @param idle the receiver exits after this long without a packet
     * @return the running receiver (killed by the testbed's close())
     */
    public Receiver receiver(Side side, Duration idle) throws IOException, InterruptedException {
        Process p = bed.spawn(side, dir.resolve("receiver-" + side + ".stderr"), python.toString(),
                script.toString(), "recv", Double.toString(idle.toMillis() / 1000.0));
        Receiver r = new Receiver(p);
        String first = r.lines.poll(10, TimeUnit.SECONDS);
        if (!"READY".equals(first)) {
            throw new IOException("MH receiver in " + side + " did not start: " + first + " "
                    + Files.readString(dir.resolve("receiver-" + side + ".stderr")));
        }
        return r;
    }

    /** A running receiver: lines arrive on a reader thread. */
    public static final class Receiver {
        private final Process process;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final List<Packet> seen = new CopyOnWriteArrayList<>();

        private Receiver(Process process) {
            this.process = process;
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l = r.readLine(); l != null; l = r.readLine()) {
                        lines.add(l);
                    }
                } catch (IOException e) {
                    lines.add("ERROR " + e);
                }
            }, "mh-receiver-" + process.pid());
            t.setDaemon(true);
            t.start();
        }

        /**
         * Waits for the packet with that BU sequence number; packets with other numbers that
         * arrive meanwhile are kept in {@link #seen()}.
         *
         * @param sequence the number
         * @param timeout how long to wait
         * @return the packet, or empty after the timeout
         */
        public Optional<Packet> await(int sequence, Duration timeout) throws InterruptedException {
            for (Packet p : seen) {
                if (p.sequence() == sequence) {
                    return Optional.of(p);
                }
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                String l = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
                if (l == null) {
                    return Optional.empty();
                }
                if (l.startsWith("PKT ")) {
                    Packet p = Packet.parse(l);
                    seen.add(p);
                    if (p.sequence() == sequence) {
                        return Optional.of(p);
                    }
                }
            }
        }

        /** @return every packet read so far by {@link #await} */
        public List<Packet> seen() {
            return List.copyOf(seen);
        }

        /** @return the receiver's process */
        public Process process() {
            return process;
        }
    }
}
