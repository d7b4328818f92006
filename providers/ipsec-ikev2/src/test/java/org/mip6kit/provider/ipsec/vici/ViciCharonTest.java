package org.mip6kit.provider.ipsec.vici;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.testing.HostRequirements;

/**
 * {@link ViciClient} against a real strongSwan charon (Debian's strongswan-charon with kernel-libipsec), started without
 * systemd in a throwaway network namespace with its own strongswan.conf, /run and VICI socket.
 * Only documentation addresses (2001:db8::/32) are used; charon is killed by PID and the
 * namespace deleted in {@code finally}.
 */
@Tag("large")
class ViciCharonTest {
    private static final Path CHARON = Path.of("/usr/lib/ipsec/charon");
    private static final long WAIT_S = 10;

    @TempDir Path dir;

    @Test
    void realCharonAnswersCommandsStreamsEventsAndNeverEchoesThePsk() throws Exception {
        HostRequirements.root("network namespaces and charon's raw/IKE sockets");
        HostRequirements.command(CHARON.toString(), "strongswan-charon strongswan-swanctl libcharon-extra-plugins");
        Path ip = HostRequirements.command("ip", "iproute2");

        byte[] rnd = new byte[4];
        SecureRandom random = new SecureRandom();
        random.nextBytes(rnd);
        String suffix = HexFormat.of().formatHex(rnd);
        String ns = "mip6vici-" + suffix;
        // A PSK generated per run: printable, long, and never expected anywhere but on the wire.
        byte[] pskBytes = new byte[24];
        random.nextBytes(pskBytes);
        String psk = "psk-" + HexFormat.of().formatHex(pskBytes);

        Path run = Files.createDirectory(dir.resolve("run"));
        Path socket = dir.resolve("charon.vici");
        Path conf = dir.resolve("strongswan.conf");
        Path log = dir.resolve("charon.log");
        Files.writeString(conf, String.join("\n",
                "charon {",
                "  load_modular = no",
                "  load = kernel-libipsec kernel-netlink socket-default random nonce openssl pem pkcs1"
                        + " pkcs8 x509 pubkey revocation constraints hmac kdf sha1 sha2 aes gcm attr vici updown",
                "  install_routes = no",
                "  plugins {",
                "    vici {",
                "      socket = unix://" + socket,
                "    }",
                "  }",
                "  filelog {",
                "    testlog {",
                "      path = " + log,
                "      default = 1",
                "      cfg = 2",
                "    }",
                "  }",
                "}", ""), StandardCharsets.UTF_8);

        Process charon = null;
        ViciClient client = null;
        boolean nsCreated = false;
        long t0 = System.nanoTime();
        try {
            run(ip.toString(), "netns", "add", ns);
            nsCreated = true;
            run(ip.toString(), "-n", ns, "link", "set", "lo", "up");
            run(ip.toString(), "-n", ns, "addr", "add", "2001:db8:1::1/128", "dev", "lo", "nodad");

            ProcessBuilder pb = new ProcessBuilder(ip.toString(), "netns", "exec", ns, "sh", "-c",
                    "mount --bind \"$0\" /run && exec " + CHARON, run.toString())
                    .redirectOutput(dir.resolve("charon.stdout").toFile())
                    .redirectError(dir.resolve("charon.stderr").toFile());
            pb.environment().put("STRONGSWAN_CONF", conf.toString());
            charon = pb.start();

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
            while (!Files.exists(socket)) {
                assertThat(charon.isAlive()).as("charon exited early: %s", diagnostics()).isTrue();
                assertThat(System.nanoTime()).as("VICI socket %s never appeared: %s", socket, diagnostics())
                        .isLessThan(deadline);
                Thread.sleep(20);
            }
            client = connectWithRetry(socket, deadline);

            // version
            ViciMessage version = get(client.request("version", ViciMessage.EMPTY));
            assertThat(version.text("daemon")).contains("charon");
            assertThat(version.text("version")).hasValueSatisfying(v -> assertThat(v).matches("\\d+\\.\\d+.*"));

            // log events while loading
            List<ViciMessage> logs = new CopyOnWriteArrayList<>();
            CountDownLatch sawLog = new CountDownLatch(1);
            get(client.register("log", m -> {
                logs.add(m);
                sawLog.countDown();
            }));

            String conn = "mip6-ha-" + suffix;
            String haId = "ha@mip6kit.example";
            String mnId = "mn@mip6kit.example";
            ViciMessage connBody = ViciMessage.builder()
                    .add("version", "2")
                    .list("local_addrs", "2001:db8:1::1")
                    .list("remote_addrs", "2001:db8:2::1")
                    .list("proposals", "aes128gcm16-prfsha256-x25519")
                    .list("pools", "hoa-pool")
                    .section("local", ViciMessage.builder().add("auth", "psk").add("id", haId).build())
                    .section("remote", ViciMessage.builder().add("auth", "psk").add("id", mnId).build())
                    .section("children", ViciMessage.builder()
                            .section("home", ViciMessage.builder()
                                    .list("local_ts", "2001:db8:100::/64")
                                    .list("remote_ts", "dynamic")
                                    .list("esp_proposals", "aes128gcm16-x25519")
                                    .add("mode", "tunnel")
                                    .build())
                            .build())
                    .build();
            ViciMessage loaded = get(client.request("load-conn",
                    ViciMessage.builder().section(conn, connBody).build()));
            assertThat(loaded.text("success")).contains("yes");

            // list-conns streamed as list-conn events
            List<ViciMessage> listed = listConns(client);
            assertThat(listed).anySatisfy(m -> {
                ViciMessage c = m.section(conn).orElseThrow();
                assertThat(c.list("local_addrs")).extracting(ViciValue::text).contains("2001:db8:1::1");
                assertThat(c.list("remote_addrs")).extracting(ViciValue::text).contains("2001:db8:2::1");
                assertThat(c.section("children").flatMap(ch -> ch.section("home"))).isPresent();
            });

            // load-shared with the PSK marked secret
            ViciMessage shared = ViciMessage.builder()
                    .add("type", "IKE")
                    .addSecret("data", psk)
                    .list("owners", haId, mnId)
                    .build();
            assertThat(shared.toString()).doesNotContain(psk);
            ViciMessage sharedAnswer = get(client.request("load-shared", shared));
            assertThat(sharedAnswer.text("success")).contains("yes");
            assertThat(sharedAnswer.toString()).doesNotContain(psk);
            ViciMessage keys = get(client.request("get-shared", ViciMessage.EMPTY));
            assertThat(keys.toString()).doesNotContain(psk);
            assertThat(new String(ViciCodec.encodeMessage(keys), StandardCharsets.ISO_8859_1)).doesNotContain(psk);
            assertThat(listConns(client)).allSatisfy(m -> assertThat(m.toString()).doesNotContain(psk));

            assertThat(sawLog.await(WAIT_S, TimeUnit.SECONDS)).as("no 'log' event while loading").isTrue();
            assertThat(logs).allSatisfy(m -> assertThat(m.toString()).doesNotContain(psk));

            // unload-conn, then it is gone
            get(client.request("unload-conn", ViciMessage.builder().add("name", conn).build()));
            assertThat(listConns(client)).noneSatisfy(m -> assertThat(m.section(conn)).isPresent());

            // unknown command
            ViciCommandException unknown = commandFailure(client.request("mip6-no-such-command", ViciMessage.EMPTY));
            assertThat(unknown.reason()).isEqualTo(ViciCommandException.Reason.UNKNOWN_COMMAND);
            assertThat(unknown.name()).isEqualTo("mip6-no-such-command");

            // a failing command carries charon's errmsg
            ViciCommandException failed = commandFailure(client.request("unload-conn",
                    ViciMessage.builder().add("name", "mip6-absent-" + suffix).build()));
            assertThat(failed.reason()).isEqualTo(ViciCommandException.Reason.FAILED);
            assertThat(failed.errmsg()).hasValueSatisfying(e -> assertThat(e).contains("mip6-absent-" + suffix));
            assertThat(failed.getMessage()).contains(failed.errmsg().orElseThrow());

            assertThat(logs).allSatisfy(m -> assertThat(m.toString()).doesNotContain(psk));
            assertThat(Files.readString(log, StandardCharsets.ISO_8859_1)).doesNotContain(psk);

            // Freeze charon so a request stays outstanding, then kill it: the request fails cleanly.
            run("kill", "-STOP", Long.toString(charon.pid()));
            awaitStopped(charon.pid());
            CompletionStage<ViciMessage> outstanding = client.request("version", ViciMessage.EMPTY);
            charon.destroyForcibly();
            assertThat(charon.waitFor(WAIT_S, TimeUnit.SECONDS)).isTrue();
            ViciException lost = connectionFailure(outstanding);
            assertThat(lost).isNotInstanceOf(ViciCommandException.class);
            assertThat(lost.getMessage()).doesNotContain(psk);
            ViciException later = connectionFailure(client.request("version", ViciMessage.EMPTY));
            assertThat(later).isNotInstanceOf(ViciCommandException.class);
            System.err.printf("ViciCharonTest: charon %s, whole exchange %d ms; version %s; errmsg '%s';"
                    + " %d log events, first %s; lost connection: %s%n",
                    version.text("version").orElse("?"), (System.nanoTime() - t0) / 1_000_000, version,
                    failed.errmsg().orElse(""), logs.size(), logs.get(0), lost.getMessage());
        } finally {
            if (client != null) {
                client.close();
            }
            if (charon != null) {
                charon.destroyForcibly();
                charon.waitFor(WAIT_S, TimeUnit.SECONDS);
            }
            if (nsCreated) {
                new ProcessBuilder(ip.toString(), "netns", "del", ns).inheritIO().start()
                        .waitFor(WAIT_S, TimeUnit.SECONDS);
            }
        }
    }

    private static List<ViciMessage> listConns(ViciClient client) throws Exception {
        List<ViciMessage> events = new CopyOnWriteArrayList<>();
        get(client.request("list-conns", ViciMessage.EMPTY, "list-conn", events::add));
        return List.copyOf(events);
    }

    private static ViciClient connectWithRetry(Path socket, long deadline) throws Exception {
        while (true) {
            try {
                return ViciClient.connect(socket);
            } catch (ViciException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(20);
            }
        }
    }

    /**
     * Waits until every thread of {@code pid} is stopped ({@code T} in /proc): SIGSTOP is delivered
     * asynchronously, and a charon thread still running could answer the next request.
     */
    private static void awaitStopped(long pid) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        while (true) {
            boolean all = true;
            try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
                for (Path t : (Iterable<Path>) tasks::iterator) {
                    String stat = Files.readString(t.resolve("stat"));
                    char state = stat.charAt(stat.lastIndexOf(')') + 2);
                    all &= state == 'T' || state == 't';
                }
            }
            if (all) {
                return;
            }
            assertThat(System.nanoTime()).as("charon %d stopped after SIGSTOP", pid).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    private static <T> T get(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(WAIT_S, TimeUnit.SECONDS);
    }

    private static ViciCommandException commandFailure(CompletionStage<?> stage) {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> stage.toCompletableFuture().get(WAIT_S, TimeUnit.SECONDS));
        assertThat(e.getCause()).isInstanceOf(ViciCommandException.class);
        return (ViciCommandException) e.getCause();
    }

    private static ViciException connectionFailure(CompletionStage<?> stage) {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> stage.toCompletableFuture().get(WAIT_S, TimeUnit.SECONDS));
        assertThat(e.getCause()).isInstanceOf(ViciException.class);
        return (ViciException) e.getCause();
    }

    private String diagnostics() {
        StringBuilder b = new StringBuilder();
        for (String f : List.of("charon.stdout", "charon.stderr", "charon.log")) {
            try {
                Path p = dir.resolve(f);
                if (Files.exists(p)) {
                    b.append('\n').append(f).append(": ").append(Files.readString(p, StandardCharsets.ISO_8859_1));
                }
            } catch (IOException e) {
                b.append('\n').append(f).append(": ").append(e);
            }
        }
        return b.toString();
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(WAIT_S, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("%s: %s", String.join(" ", command), out).isZero();
        } finally {
            p.destroyForcibly();
        }
    }
}
