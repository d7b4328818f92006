package org.mip6kit.provider.ipsec.charon;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.mip6kit.provider.ipsec.vici.Vici;
import org.mip6kit.provider.ipsec.vici.ViciException;
import org.mip6kit.provider.ipsec.vici.ViciMessage;
import org.mip6kit.provider.ipsec.vici.ViciValue;
import org.mip6kit.spi.Cancellable;
import org.mip6kit.spi.Scheduler;

/**
 * The VICI commands the provider sends to charon, typed (strongSwan {@code vici/README.md},
 * "Client-initiated commands"). Every stage fails with a
 * {@link org.mip6kit.provider.ipsec.vici.ViciException} carrying charon's {@code errmsg} when charon
 * refuses, or when the connection is lost. Secrets go out as secret {@link ViciValue}s, which
 * print as {@code <secret>}. Thread-safe; stages complete on the connection's thread.
 */
public final class Charon {

    /** How long charon may take to answer a command, beyond a timeout the command itself carries. */
    public static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);

    private final Vici vici;
    private final Scheduler scheduler;

    /** Commands without a time limit of their own (tests on virtual time). */
    public Charon(Vici vici) {
        this(vici, null);
    }

    /**
     * Commands that fail when charon has not answered within {@link #ANSWER_TIMEOUT} (plus the
     * command's own timeout): the connection is then closed, because a late answer could not be
     * told from the next one, and a {@link CharonSession} connects again.
     */
    public Charon(Vici vici, Scheduler scheduler) {
        this.vici = vici;
        this.scheduler = scheduler;
    }

    private CompletionStage<ViciMessage> ask(String command, ViciMessage m, Duration own) {
        return bounded(command, vici.request(command, m), own);
    }

    private CompletionStage<ViciMessage> askStreamed(String command, ViciMessage m, String event,
            java.util.function.Consumer<ViciMessage> onEvent) {
        return bounded(command, vici.request(command, m, event, onEvent), Duration.ZERO);
    }

    private CompletionStage<ViciMessage> bounded(String command, CompletionStage<ViciMessage> answer, Duration own) {
        if (scheduler == null) {
            return answer;
        }
        CompletableFuture<ViciMessage> out = new CompletableFuture<>();
        Duration limit = ANSWER_TIMEOUT.plus(own);
        Cancellable timer = scheduler.schedule(limit, () -> {
            if (out.completeExceptionally(new ViciException("charon did not answer '" + command + "' within " + limit
                    + "; closing the VICI connection"))) {
                vici.close();
            }
        });
        answer.whenComplete((m, e) -> {
            timer.cancel();
            if (e != null) {
                out.completeExceptionally(e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                        ? e.getCause() : e);
            } else {
                out.complete(m);
            }
        });
        return out;
    }

    /** The connection underneath (for event registration). */
    public Vici vici() {
        return vici;
    }

    /** {@code version}: daemon name and version, e.g. {@code charon 5.9.8}. */
    public CompletionStage<String> version() {
        return ask("version", ViciMessage.EMPTY, Duration.ZERO)
                .thenApply(m -> m.text("daemon").orElse("?") + " " + m.text("version").orElse("?"));
    }

    /** {@code load-conn}: loads (or replaces) connection {@code name} with swanctl.conf-shaped {@code body}. */
    public CompletionStage<Void> loadConn(String name, ViciMessage body) {
        return ask("load-conn", ViciMessage.builder().section(name, body).build(), Duration.ZERO).thenApply(m -> null);
    }

    /** {@code unload-conn}. */
    public CompletionStage<Void> unloadConn(String name) {
        return ask("unload-conn", ViciMessage.builder().add("name", name).build(), Duration.ZERO).thenApply(m -> null);
    }

    /**
     * {@code load-shared} of an IKE pre-shared key under {@code id}, for {@code owners} (the
     * identities that use it).
     */
    public CompletionStage<Void> loadSharedPsk(String id, byte[] psk, List<String> owners) {
        ViciMessage m = ViciMessage.builder().add("id", id).add("type", "IKE").add("data", ViciValue.secret(psk))
                .list("owners", owners.toArray(String[]::new)).build();
        return ask("load-shared", m, Duration.ZERO).thenApply(r -> null);
    }

    /** {@code unload-shared} of the secret loaded as {@code id}. */
    public CompletionStage<Void> unloadShared(String id) {
        return ask("unload-shared", ViciMessage.builder().add("id", id).build(), Duration.ZERO).thenApply(m -> null);
    }

    /**
     * {@code load-pool}: a virtual-IP pool of {@code addrs}, a CIDR subnet or a range {@code a-b}.
     * charon 5.9.8 takes {@code addrs} as one key/value only ({@code vici_attribute.c}); a list of
     * that name is refused as "invalid attribute: addrs".
     */
    public CompletionStage<Void> loadPool(String name, String addrs) {
        ViciMessage body = ViciMessage.builder().add("addrs", addrs).build();
        return ask("load-pool", ViciMessage.builder().section(name, body).build(), Duration.ZERO).thenApply(m -> null);
    }

    /** {@link #loadPool(String, String)} of the one element of {@code addrs} (charon takes one per pool). */
    public CompletionStage<Void> loadPool(String name, List<String> addrs) {
        if (addrs.size() != 1) {
            throw new IllegalArgumentException("charon takes one addrs (a subnet or a range a-b) per pool, not "
                    + addrs.size());
        }
        return loadPool(name, addrs.get(0));
    }

    /** {@code get-pools} with {@code leases = yes}: every lease of every pool. */
    public CompletionStage<List<PoolLease>> leases() {
        return ask("get-pools", ViciMessage.builder().add("leases", "yes").build(), Duration.ZERO)
                .thenApply(PoolLease::allIn);
    }

    /**
     * {@code initiate}: brings up CHILD SA {@code child} of connection {@code ike}, waiting at
     * most {@code timeout} inside charon (charon then answers with an error).
     */
    public CompletionStage<Void> initiate(String child, String ike, Duration timeout) {
        ViciMessage m = ViciMessage.builder().add("child", child).add("ike", ike)
                .add("timeout", Long.toString(timeout.toMillis())).add("init-limits", "no").build();
        return ask("initiate", m, timeout).thenApply(r -> null);
    }

    /** {@code terminate} of the IKE SA with charon's unique id {@code ikeUniqueId}, waiting at most {@code timeout}. */
    public CompletionStage<Void> terminateIkeSa(String ikeUniqueId, Duration timeout) {
        ViciMessage m = ViciMessage.builder().add("ike-id", ikeUniqueId)
                .add("timeout", Long.toString(timeout.toMillis())).build();
        return ask("terminate", m, timeout).thenApply(r -> null);
    }

    /** {@code list-sas}, optionally only those of connection {@code ike}. */
    public CompletionStage<List<IkeSa>> listSas(Optional<String> ike) {
        List<IkeSa> out = Collections.synchronizedList(new ArrayList<>());
        ViciMessage.Builder b = ViciMessage.builder();
        ike.ifPresent(name -> b.add("ike", name));
        return askStreamed("list-sas", b.build(), "list-sa", m -> out.addAll(IkeSa.allIn(m)))
                .thenApply(r -> List.copyOf(out));
    }

    /** {@code list-sas} of the one IKE SA with charon's unique id {@code ikeUniqueId} ({@code ike-id}); empty if gone. */
    public CompletionStage<List<IkeSa>> listSa(String ikeUniqueId) {
        List<IkeSa> out = Collections.synchronizedList(new ArrayList<>());
        return askStreamed("list-sas", ViciMessage.builder().add("ike-id", ikeUniqueId).build(), "list-sa",
                m -> out.addAll(IkeSa.allIn(m))).thenApply(r -> List.copyOf(out));
    }

    /** {@code list-conns}: the names of the loaded connections. */
    public CompletionStage<List<String>> listConns() {
        List<String> out = Collections.synchronizedList(new ArrayList<>());
        return askStreamed("list-conns", ViciMessage.EMPTY, "list-conn", m -> m.elements().stream()
                        .filter(e -> e instanceof ViciMessage.Section).forEach(e -> out.add(e.name())))
                .thenApply(r -> List.copyOf(out));
    }
}
