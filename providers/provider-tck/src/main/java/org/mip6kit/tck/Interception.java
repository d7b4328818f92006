package org.mip6kit.tck;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.mip6kit.spi.Scheduler;
import org.mip6kit.transport.InMemoryProviderNetwork;
import org.mip6kit.transport.InMemoryProviderNetwork.Fate;
import org.mip6kit.wire.MobilityMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kit's tap on its network: tells which packets carry which message, and applies each
 * participant's {@link PathRule}.
 *
 * <p><b>Which packet carries a message.</b> The kit's wrapper around a provider's
 * {@link org.mip6kit.spi.SignallingPath} reports each {@code send} ({@link #beginSend}) and when
 * its stage completes ({@link #endSend}). The packet that carries the message is the last one
 * the participant's host sent before that stage completed. A provider whose channel must first
 * be set up sends its handshake in earlier scheduler tasks and the record with the message in
 * the task that completes the stage; one that needs no handshake sends it inside {@code send}.
 * Either way the kit never looks inside the provider's octets.
 *
 * <p><b>When packets are decided.</b> Every packet a participant sends is taken off the wire
 * when it is sent and decided in a scheduler task due at once, which runs after the task that
 * sent it: by then a stage completed in that task is known. Then the participant's rule runs
 * on it; what the rule passes untouched is {@linkplain InMemoryProviderNetwork#release released}
 * along its own route (so a tunnelled packet still arrives through its tunnel), what it changed
 * or added is sent by the attacker. Under virtual time no time passes meanwhile.
 */
final class Interception implements InMemoryProviderNetwork.Tap {

    private static final Logger LOG = LoggerFactory.getLogger(Interception.class);

    /** A {@code send} in progress on one participant's path. */
    static final class Mark {
        private final Participant participant;
        private final MobilityMessage message;
        private final long firstIndex;

        private Mark(Participant participant, MobilityMessage message, long firstIndex) {
            this.participant = participant;
            this.message = message;
            this.firstIndex = firstIndex;
        }
    }

    private record Pending(Participant participant, InMemoryProviderNetwork.Packet raw, long index) {
    }

    /** Per participant: how many packets it sent, and which of them carried which message. */
    private static final class Counts {
        long sent;
        final Map<Long, MobilityMessage> carriers = new HashMap<>();
    }

    private final InMemoryProviderNetwork network;
    private final Scheduler scheduler;
    private final Attacker attacker;
    private final Map<String, Participant> byHost = new HashMap<>();
    private final Map<Participant, Counts> counts = new HashMap<>();
    private final List<Pending> pending = new ArrayList<>();
    private final List<Packet> wire = new ArrayList<>();
    private final List<String> anomalies = new ArrayList<>();
    private boolean decisionDue;

    Interception(InMemoryProviderNetwork network, Scheduler scheduler, Attacker attacker) {
        this.network = network;
        this.scheduler = scheduler;
        this.attacker = attacker;
    }

    synchronized void add(Participant p) {
        byHost.put(p.host().name(), p);
        counts.put(p, new Counts());
    }

    synchronized Mark beginSend(Participant p, MobilityMessage message) {
        return new Mark(p, message, counts.get(p).sent);
    }

    synchronized void endSend(Mark mark, Throwable failure) {
        Counts c = counts.get(mark.participant);
        long last = c.sent - 1;
        if (failure != null) {
            return;
        }
        if (last < mark.firstIndex) {
            anomalies.add(mark.participant + ": the stage of send(" + mark.message.type() + ") completed before "
                    + "anything left the host");
            return;
        }
        c.carriers.put(last, mark.message);
    }

    /** Everything that went onto the network (the participants' packets after their rules, the attacker's), in order. */
    synchronized List<Packet> wire() {
        return List.copyOf(wire);
    }

    /** Sends whose stage completed before any packet had left: a message reported sent that was not. */
    synchronized List<String> anomalies() {
        return List.copyOf(anomalies);
    }

    @Override
    public Fate inspect(InMemoryProviderNetwork.Packet raw) {
        synchronized (this) {
            Participant p = byHost.get(raw.fromHost());
            if (p == null) {
                wire.add(new Packet(raw, raw.fromHost().equals(Deployment.ATTACKER) ? Deployment.ATTACKER
                        : raw.fromHost(), Optional.empty()));
                return Fate.DELIVER;
            }
            pending.add(new Pending(p, raw, counts.get(p).sent++));
            if (!decisionDue) {
                decisionDue = true;
                scheduler.schedule(Duration.ZERO, this::decide);
            }
            return Fate.DROP;
        }
    }

    private void decide() {
        List<Pending> batch;
        synchronized (this) {
            batch = List.copyOf(pending);
            pending.clear();
            decisionDue = false;
        }
        for (Pending q : batch) {
            Optional<MobilityMessage> carries;
            synchronized (this) {
                carries = Optional.ofNullable(counts.get(q.participant()).carriers.remove(q.index()));
            }
            Packet packet = new Packet(q.raw(), q.participant().name(), carries);
            List<Packet> out;
            try {
                out = q.participant().rule().apply(packet);
            } catch (RuntimeException e) {
                LOG.error("the path rule of {} failed on {}; the packet goes on", q.participant(), packet, e);
                out = List.of(packet);
            }
            for (Packet o : out) {
                if (o == packet || o.sameOnTheWire(packet)) {
                    synchronized (this) {
                        wire.add(packet);
                    }
                    q.participant().recordSent(packet);
                    network.release(q.raw());
                } else {
                    attacker.send(o);
                }
            }
        }
    }
}
