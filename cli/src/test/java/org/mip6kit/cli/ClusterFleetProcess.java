package org.mip6kit.cli;

import static org.mip6kit.cli.BindingUpdateFleet.coa;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mip6kit.cli.BindingUpdateFleet.Route;
import org.mip6kit.cli.PeriodicRefreshes.Node;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.Ipv6Address;

/**
 * A {@link BindingUpdateFleet} as a process of its own, so that it can run in a network namespace
 * ({@code ip netns exec}); {@link ClusterFailoverEndToEndTest} drives it with one command per
 * line on standard input and reads one line of answer per command on standard output:
 * <pre>
 * register                 every node registers at coa(i, 1) with sequence number 10; then node 0
 *                          moves to coa(0, 2) (11): its Binding Update 10 is kept, the captured one
 *                          -> "registered N nodes in T ms"
 * refresh PERIOD_MS        every node refreshes on its own timer ({@link PeriodicRefreshes}) -> "refreshing"
 * kill AT DEAD ADDRESS     the member serving ADDRESS was sent SIGKILL at AT and was gone at DEAD
 *                          (both microseconds since the epoch) -> "marked"
 * settle SECONDS N         waits up to SECONDS until the killed member's address has accepted
 *                          Binding Updates of N nodes, stops the refreshes, waits for those in
 *                          flight, writes the report -> "settled ..." or "unsettled ..."
 * replay                   sends node 0's captured Binding Update again, to its home agent
 *                          -> "replayed status=S sequence=Q"
 * quit
 * </pre>
 * Arguments: the address to send from, the number of nodes, the report file (JSON), the UDP port
 * of the home agents and their addresses: node {@code i} registers with the {@code (i mod k)}-th.
 */
final class ClusterFleetProcess {

    /** Lifetime asked for: 600 s. */
    private static final int LIFETIME_UNITS = 150;

    private final BindingUpdateFleet fleet;
    private final int count;
    private final Path report;
    private final Map<Integer, Ipv6Address> careOf = new HashMap<>();
    private final Map<Integer, Integer> sequence = new HashMap<>();
    private byte[] captured;
    private PeriodicRefreshes refreshes;
    private long registeredMillis;
    private Instant killedAt;

    private ClusterFleetProcess(BindingUpdateFleet fleet, int count, Path report) {
        this.fleet = fleet;
        this.count = count;
        this.report = report;
    }

    public static void main(String[] args) throws Exception {
        InetAddress bind = InetAddress.getByName(args[0]);
        int count = Integer.parseInt(args[1]);
        Path report = Path.of(args[2]);
        int port = Integer.parseInt(args[3]);
        List<Route> homeAgents = new java.util.ArrayList<>();
        for (int i = 4; i < args.length; i++) {
            homeAgents.add(new Route(Ipv6Address.parse(args[i]),
                    new InetSocketAddress(InetAddress.getByName(args[i]), port)));
        }
        try (BindingUpdateFleet fleet = BindingUpdateFleet.open(bind, node -> homeAgents.get(node % homeAgents.size()),
                LIFETIME_UNITS)) {
            new ClusterFleetProcess(fleet, count, report).run();
        }
        System.exit(0);
    }

    private void run() throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String[] w = line.strip().split(" ");
            try {
                switch (w[0]) {
                    case "register" -> register();
                    case "refresh" -> refresh(Duration.ofMillis(Long.parseLong(w[1])));
                    case "kill" -> kill(Long.parseLong(w[1]), Long.parseLong(w[2]), Ipv6Address.parse(w[3]));
                    case "settle" -> settle(Duration.ofSeconds(Long.parseLong(w[1])), Integer.parseInt(w[2]));
                    case "replay" -> replay();
                    case "quit" -> {
                        return;
                    }
                    default -> answer("unknown command " + line);
                }
            } catch (Throwable t) {
                answer("failed " + w[0] + ": " + t);
                t.printStackTrace();
            }
        }
    }

    private void register() throws Exception {
        for (int i = 0; i < count; i++) {
            careOf.put(i, coa(i, 1));
            sequence.put(i, 10);
        }
        long t0 = System.nanoTime();
        fleet.registerAll(careOf, 10);
        registeredMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        captured = fleet.bu(0, 10);
        careOf.put(0, coa(0, 2));
        fleet.registerAll(Map.of(0, careOf.get(0)), 11);
        sequence.put(0, 11);
        answer("registered " + count + " nodes in " + registeredMillis + " ms");
    }

    private void refresh(Duration period) {
        refreshes = new PeriodicRefreshes(fleet, careOf, sequence, period);
        refreshes.start();
        answer("refreshing every " + period.toMillis() + " ms");
    }

    private void kill(long atMicros, long deadMicros, Ipv6Address address) {
        long nowNanos = System.nanoTime();
        long nowMicros = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
        killedAt = Instant.EPOCH.plus(atMicros, ChronoUnit.MICROS);
        refreshes.mark(nowNanos - (nowMicros - atMicros) * 1000, nowNanos - (nowMicros - deadMicros) * 1000, address);
        answer("marked");
    }

    private void settle(Duration limit, int wanted) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (refreshes.acceptedByWatched() < wanted && System.nanoTime() - deadline < 0) {
            Thread.sleep(100);
        }
        long answeredAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - refreshes.markNanos());
        long served = refreshes.acceptedByWatched();
        refreshes.stop();
        int outstanding = refreshes.outstanding();
        long quiet = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (outstanding > 0 && System.nanoTime() - quiet < 0) {
            Thread.sleep(100);
            outstanding = refreshes.outstanding();
        }
        ObjectNode summary = refreshes.read(this::report);
        summary.put("acceptedByTakenOverAddress", served);
        summary.put("refreshesStoppedAfterKillMillis", answeredAfter);
        summary.put("outstanding", outstanding);
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(report.toFile(), summary);
        answer((served >= wanted && outstanding == 0 ? "settled " : "unsettled ") + served + " nodes accepted by "
                + "the taken-over address (" + wanted + " wanted), " + outstanding + " still waiting; report " + report);
    }

    private ObjectNode report(Node[] nodes) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode r = json.createObjectNode();
        long mark = refreshes.markNanos();
        r.put("nodes", nodes.length);
        r.put("registeredMillis", registeredMillis);
        r.put("killedAt", killedAt.toString());
        r.put("firstAnswerFromTakenOverMillis", millisAfter(mark, refreshes.firstAnswerFromWatched()));
        r.put("firstAcceptFromTakenOverMillis", millisAfter(mark, refreshes.firstAcceptFromWatched()));
        Map<Ipv6Address, Map<Integer, Integer>> histogram = new TreeMap<>();
        int resyncs = 0;
        Map<String, Integer> refusals = new TreeMap<>();
        var rows = r.putArray("perNode");
        for (Node n : nodes) {
            Ipv6Address ha = fleet.route(n.id).homeAgent();
            if (n.sentAfterMark) {
                histogram.computeIfAbsent(ha, h -> new TreeMap<>()).merge(n.retransmissionsAfterMark, 1, Integer::sum);
            }
            resyncs += n.resyncs;
            n.refusals.forEach((k, v) -> refusals.merge(k, v, Integer::sum));
            ObjectNode row = rows.addObject();
            row.put("node", n.id);
            row.put("homeAgent", ha.toString());
            row.put("careOf", n.careOf.toString());
            row.put("sequence", n.lastAccepted);
            row.put("lastAcceptedFrom", String.valueOf(n.lastAcceptedFrom));
            row.put("lastAcceptedOuterFrom", n.lastAcceptedOuterFrom);
            row.put("sentAfterKill", n.sentAfterMark);
            row.put("retransmissionsAroundKill", n.retransmissionsAfterMark);
            row.put("retransmissions", n.retransmissions);
            row.put("acceptedAfterKillMillis", millisAfter(mark, n.acceptedAfterMark));
        }
        ObjectNode h = r.putObject("retransmissionsAroundKillByHomeAgent");
        histogram.forEach((ha, counts) -> {
            ObjectNode c = h.putObject(ha.toString());
            counts.forEach((k, v) -> c.put(Integer.toString(k), v));
        });
        r.put("resyncsAfter135", resyncs);
        ObjectNode f = r.putObject("refusals");
        refusals.forEach(f::put);
        return r;
    }

    private static long millisAfter(long mark, long nanos) {
        return nanos < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(nanos - mark);
    }

    private void replay() throws Exception {
        fleet.forgetAck(0);
        fleet.send(captured, 0, coa(0, 1));
        BindingAcknowledgement ba = fleet.awaitAck(0, Duration.ofSeconds(10));
        answer("replayed status=" + ba.status().code() + " sequence=" + ba.sequence().value());
    }

    private static void answer(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
