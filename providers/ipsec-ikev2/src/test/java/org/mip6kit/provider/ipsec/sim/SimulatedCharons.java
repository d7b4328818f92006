package org.mip6kit.provider.ipsec.sim;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.mip6kit.provider.ipsec.charon.ViciConnector;
import org.mip6kit.provider.ipsec.vici.ViciException;
import org.mip6kit.spi.Scheduler;
import org.mip6kit.tck.Deployment;
import org.mip6kit.transport.InMemoryProviderNetwork.Host;

/**
 * A world of simulated strongSwan charon daemons, one per host of an
 * {@link org.mip6kit.transport.InMemoryProviderNetwork}, reached the way the provider reaches the
 * real one: through a {@link ViciConnector} that opens a {@link org.mip6kit.provider.ipsec.vici.Vici}
 * connection for a socket path. The charon of host {@code h} listens on {@link #socketOf
 * /sim/h.vici}; it exists from the first connection and takes any number of connections, each with
 * its own event registrations.
 *
 * <h2>What is simulated</h2>
 * Requests and answers have the shapes of charon 5.9.8's VICI plugin ({@code vici/README.md} and
 * its sources): {@code version}, {@code load-conn}, {@code unload-conn}, {@code get-conns},
 * {@code list-conns}, {@code load-shared}, {@code unload-shared}, {@code get-shared},
 * {@code load-pool}, {@code unload-pool}, {@code get-pools}, {@code initiate}, {@code terminate},
 * {@code list-sas}, the events {@code ike-updown}, {@code child-updown}, {@code ike-update} (and
 * registrations for the other events charon has), refusals with charon's {@code errmsg} texts.
 * Every message crosses the VICI codec both ways. {@code initiate} runs the IKE exchange at once
 * with the charon whose host owns an address of the connection's {@code remote_addrs}: PSK
 * authentication (each side's best PSK for its pair of identities must be the same), a virtual IP
 * from the responder's pool put on the initiator's {@code tun0}, {@code ike-updown} and
 * {@code child-updown} on both sides. A charon that initiated a MOBIKE SA looks at its host's
 * {@code eth0} every {@link SimulatedCharon#ADDRESS_POLL} and whenever it is asked anything, and
 * moves the SA to the newest address when one appeared or the used one went ({@code ike-update} on
 * both sides, with the new endpoints as {@code local-host}/{@code remote-host} beside the SA).
 *
 * <p>Everything a client receives is handed over on the scheduler, in the order charon would send
 * it; nothing blocks. Thread-safe: one lock guards the world. Secrets never print.
 */
public final class SimulatedCharons {

    private static final Pattern SOCKET = Pattern.compile("/sim/([A-Za-z0-9._-]+)\\.vici");
    private static final Pattern KIT_HOST = Pattern.compile(Deployment.HOME_AGENT + "|mobile-node-\\d+");

    private final Object lock = new Object();
    private final Function<String, Optional<Host>> hosts;
    private final Supplier<? extends Scheduler> scheduler;
    private final Supplier<?> epoch;
    private final Map<String, SimulatedCharon> charons = new LinkedHashMap<>();
    private Object currentEpoch;

    /**
     * A world over any hosts.
     *
     * @param hosts the host of a name, empty if there is none (then connecting fails, as to a
     *        socket nobody listens on)
     * @param scheduler runs every delivery and timer
     */
    public SimulatedCharons(Function<String, Optional<Host>> hosts, Scheduler scheduler) {
        this(hosts, () -> scheduler, () -> scheduler);
    }

    /**
     * A world over the kit's deployment of the moment ({@code current()} of a provider kit test):
     * hosts {@code home-agent} and {@code mobile-node-<i>} of {@code deployment.network()}, on its
     * virtual time. When the deployment changes (the next test), the charons of the old one are
     * forgotten.
     */
    public SimulatedCharons(Supplier<Deployment> deployment) {
        this(name -> KIT_HOST.matcher(name).matches()
                        ? Optional.of(deployment.get().network().host(name)) : Optional.empty(),
                () -> deployment.get().time(), deployment);
    }

    private SimulatedCharons(Function<String, Optional<Host>> hosts, Supplier<? extends Scheduler> scheduler,
            Supplier<?> epoch) {
        this.hosts = Objects.requireNonNull(hosts, "hosts");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.epoch = epoch;
    }

    /** The socket path of the charon of host {@code hostName}: {@code /sim/<hostName>.vici}. */
    public static Path socketOf(String hostName) {
        return Path.of("/sim/" + hostName + ".vici");
    }

    /**
     * Connects to the charon of a socket path, creating the charon on first use. Never blocks.
     * The connector throws a {@link ViciException} for a path that is not {@code /sim/<host>.vici}
     * of a known host.
     */
    public ViciConnector connector() {
        return socket -> {
            Matcher m = SOCKET.matcher(socket.toString());
            if (!m.matches()) {
                throw new ViciException("cannot connect to the VICI socket " + socket
                        + ": simulated charons listen on /sim/<host>.vici");
            }
            synchronized (lock) {
                SimulatedCharon c = charonLocked(m.group(1)).orElseThrow(() -> new ViciException(
                        "cannot connect to the VICI socket " + socket + ": no host " + m.group(1)));
                return c.connect();
            }
        };
    }

    /**
     * Restarts the charon of {@code hostName}: every connection to it is lost (outstanding
     * requests fail, {@code lost()} completes), its peers' SAs with it go down (they see
     * {@code ike-updown} and {@code child-updown} down, their leases go offline), the virtual IPs it
     * installed leave its host, and it forgets its connections, secrets, pools and SAs. It takes new
     * connections at once. Nothing happens if it never ran.
     */
    public void restart(String hostName) {
        synchronized (lock) {
            checkEpochLocked();
            SimulatedCharon c = charons.get(hostName);
            if (c != null) {
                c.restart();
            }
        }
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "SimulatedCharons" + charons.values();
        }
    }

    // ---------------------------------------------------------------- for the charons

    Object lock() {
        return lock;
    }

    Scheduler scheduler() {
        return scheduler.get();
    }

    Executor executor() {
        return scheduler.get().executor();
    }

    /** The running charon whose host owns {@code address}. Under the lock. */
    Optional<SimulatedCharon> charonOwning(InetAddress address) {
        return charons.values().stream().filter(c -> c.host().interfaceOf(address).isPresent()).findFirst();
    }

    private Optional<SimulatedCharon> charonLocked(String hostName) {
        checkEpochLocked();
        SimulatedCharon c = charons.get(hostName);
        if (c != null) {
            return Optional.of(c);
        }
        Optional<Host> h = hosts.apply(hostName);
        h.ifPresent(host -> charons.put(hostName, new SimulatedCharon(this, hostName, host)));
        return Optional.ofNullable(charons.get(hostName));
    }

    private void checkEpochLocked() {
        Object now = epoch.get();
        if (now != currentEpoch) {
            charons.values().forEach(SimulatedCharon::restart);
            charons.clear();
            currentEpoch = now;
        }
    }
}
