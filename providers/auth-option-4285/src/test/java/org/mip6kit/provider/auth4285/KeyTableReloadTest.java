package org.mip6kit.provider.auth4285;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.HomeAgentSecurity;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.Observed;
import org.mip6kit.spi.ProviderConfigException;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.ReloadOutcome;
import org.mip6kit.spi.SignallingPath;
import org.mip6kit.spi.Verdict;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.MobileNodeIdentifier;

/**
 * {@link HomeAgentSecurity#reload} in {@code auth-option-4285}: the key table is read and checked
 * in full, then swapped at once; a bad table changes nothing; replay memory and verifications
 * under way survive the swap.
 */
class KeyTableReloadTest {

    private static final String SECTION = "security.auth-option-4285";
    private static final Instant T0 = Parties.TV3_TIME;
    private static final String OLD_KEY = Parties.KEY;
    private static final String NEW_KEY = "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf";

    @TempDir
    Path dir;

    @Test
    @Tag("small")
    void anSpiAddedByReloadIsAcceptedFromThenOnAndTheOldOneStillIs() throws Exception {
        Path table = table("mn1@example.com 256 hmac-sha1 key=" + OLD_KEY);
        Side ha = new Side(table);
        assertThat(ha.judge(signed(257, NEW_KEY, 1))).as("not in the table yet").isInstanceOf(Verdict.Drop.class);

        rewrite(table, "mn1@example.com 256 hmac-sha1 key=" + OLD_KEY, "mn1@example.com 257 hmac-sha1 key=" + NEW_KEY);
        ReloadOutcome outcome = ha.security.reload(ha.section());

        assertThat(outcome.reloaded()).isTrue();
        assertThat(outcome.summary()).contains("2 associations").contains("added 257").contains("removed none")
                .doesNotContain(NEW_KEY).doesNotContain(OLD_KEY);
        assertThat(ha.judge(signed(257, NEW_KEY, 2))).isInstanceOf(Verdict.Accept.class);
        assertThat(ha.judge(signed(256, OLD_KEY, 3))).isInstanceOf(Verdict.Accept.class);
    }

    @Test
    @Tag("small")
    void anSpiRemovedByReloadIsRefusedFromThenOn() throws Exception {
        Path table = table("mn1@example.com 256 hmac-sha1 key=" + OLD_KEY, "mn1@example.com 257 hmac-sha1 key=" + NEW_KEY);
        Side ha = new Side(table);
        assertThat(ha.judge(signed(256, OLD_KEY, 1))).isInstanceOf(Verdict.Accept.class);

        rewrite(table, "mn1@example.com 257 hmac-sha1 key=" + NEW_KEY);
        assertThat(ha.security.reload(ha.section()).summary()).contains("removed 256");

        assertThat(ha.judge(signed(256, OLD_KEY, 2))).isInstanceOf(Verdict.Drop.class)
                .extracting(v -> ((Verdict.Drop) v).reason()).asString().contains("unknown mobility SPI 256");
        assertThat(ha.judge(signed(257, NEW_KEY, 3))).isInstanceOf(Verdict.Accept.class);
    }

    @Test
    @Tag("small")
    void replayMemoryOfAnSpiKeptByTheReloadSurvivesIt() throws Exception {
        Path table = table("mn1@example.com 256 hmac-sha1 key=" + OLD_KEY);
        Side ha = new Side(table);
        byte[] accepted = signed(256, OLD_KEY, 1);
        assertThat(ha.judge(accepted)).isInstanceOf(Verdict.Accept.class);

        rewrite(table, "mn2@example.com 300 hmac-sha1 key=" + NEW_KEY, "mn1@example.com 256 hmac-sha1 key=" + OLD_KEY);
        ha.security.reload(ha.section());

        assertThat(ha.judge(accepted)).as("the same Binding Update again, now in another row of another table")
                .isInstanceOf(Verdict.Drop.class).extracting(v -> ((Verdict.Drop) v).reason()).asString()
                .contains("replay");
        assertThat(ha.judge(signed(256, OLD_KEY, 2))).isInstanceOf(Verdict.Accept.class);
    }

    @Test
    @Tag("small")
    void aBadTableChangesNothingAndTheErrorNamesFileKeyAndLineButNoSecret() throws Exception {
        Path table = table("mn1@example.com 256 hmac-sha1 key=" + OLD_KEY);
        Side ha = new Side(table);
        rewrite(table, "mn1@example.com 257 hmac-sha1 key=" + NEW_KEY, "mn1@example.com 258 hmac-sha1 key=0badc0de");

        ProviderConfigException e = assertThrows(ProviderConfigException.class, () -> ha.security.reload(ha.section()));

        assertThat(e.key()).isEqualTo(SECTION + ".key-table");
        assertThat(e.getMessage()).contains(table.toString()).contains("line 3").doesNotContain(NEW_KEY)
                .doesNotContain("0badc0de");
        assertThat(ha.judge(signed(257, NEW_KEY, 1))).as("line 1 of the bad file was not taken")
                .isInstanceOf(Verdict.Drop.class);
        assertThat(ha.judge(signed(256, OLD_KEY, 2))).as("the old table still serves").isInstanceOf(Verdict.Accept.class);
    }

    @Test
    @Tag("small")
    void aTableThatIsNoLongerPrivateIsRefusedAndChangesNothing() throws Exception {
        Path table = table("mn1@example.com 256 hmac-sha1 key=" + OLD_KEY);
        Side ha = new Side(table);
        rewrite(table, "mn1@example.com 257 hmac-sha1 key=" + NEW_KEY);
        Files.setPosixFilePermissions(table, PosixFilePermissions.fromString("rw-r--r--"));

        ProviderConfigException e = assertThrows(ProviderConfigException.class, () -> ha.security.reload(ha.section()));

        assertThat(e.getMessage()).contains(table.toString());
        assertThat(ha.judge(signed(256, OLD_KEY, 1))).isInstanceOf(Verdict.Accept.class);
        assertThat(ha.judge(signed(257, NEW_KEY, 2))).isInstanceOf(Verdict.Drop.class);
    }

    @Test
    @Tag("small")
    void settingsOtherThanTheKeysCannotChangeByReloadAndNothingChangesThen() throws Exception {
        Path table = table("mn1@example.com 256 hmac-sha1 key=" + OLD_KEY);
        Side ha = new Side(table);
        rewrite(table, "mn1@example.com 257 hmac-sha1 key=" + NEW_KEY);

        ProviderConfigException e = assertThrows(ProviderConfigException.class, () -> ha.security.reload(
                ConfigSection.of(SECTION, null, Map.of("key-table", table.toString(), "replay-window", "9s"))));

        assertThat(e.key()).isEqualTo(SECTION + ".replay-window");
        assertThat(e.getMessage()).contains("restart");
        assertThat(ha.judge(signed(256, OLD_KEY, 1))).isInstanceOf(Verdict.Accept.class);
    }

    @Test
    @Tag("small")
    void aProviderWithoutReloadSaysItCannotReload() throws Exception {
        HomeAgentSecurity plain = new HomeAgentSecurity() {
            @Override
            public java.util.Set<org.mip6kit.spi.Capability> capabilities() {
                return java.util.Set.of();
            }

            @Override
            public SignallingPath path(org.mip6kit.spi.TransportFactory engineTransports) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void close() {
            }
        };
        ReloadOutcome outcome = plain.reload(ConfigSection.of(SECTION, null, Map.of()));
        assertThat(outcome.reloaded()).isFalse();
        assertThat(outcome.summary()).isEqualTo(ReloadOutcome.CANNOT_RELOAD);
    }

    /**
     * Threads verify without pause while the table is swapped back and forth between two versions
     * that give every SPI another key. Each verification must see one table whole: a Binding
     * Update signed with the key of neither table would be refused either way, so each thread
     * signs alternately with both keys and every verdict must be an accept or a 146 (never a
     * drop: the handover of replay memory must neither lose nor invent a timestamp), and, once a
     * reload has returned, the keys of the table it replaced are refused.
     */
    @Test
    @Tag("medium")
    void verificationsDuringSwapsSeeEitherTheOldOrTheNewTableNeverAMix() throws Exception {
        int threads = 4;
        List<String> oldRows = new ArrayList<>();
        List<String> newRows = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            oldRows.add("mn" + t + "@example.com " + (1000 + t) + " hmac-sha1 key=" + OLD_KEY);
            newRows.add("mn" + t + "@example.com " + (1000 + t) + " hmac-sha1 key=" + NEW_KEY);
        }
        Path oldTable = table(oldRows.toArray(new String[0]));
        Path newTable = table(newRows.toArray(new String[0]));
        Side ha = new Side(oldTable);
        ConfigSection toOld = ConfigSection.of(SECTION, null, Map.of("key-table", oldTable.toString()));
        ConfigSection toNew = ConfigSection.of(SECTION, null, Map.of("key-table", newTable.toString()));

        AtomicBoolean stop = new AtomicBoolean();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        CyclicBarrier start = new CyclicBarrier(threads + 1);
        CountDownLatch done = new CountDownLatch(threads);
        int[] verified = new int[threads];
        byte[][] lastAccepted = new byte[threads][];
        for (int t = 0; t < threads; t++) {
            int me = t;
            Thread worker = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 1; !stop.get() && failures.isEmpty(); i++) {
                        String key = i % 2 == 0 ? OLD_KEY : NEW_KEY;
                        byte[] mh = signed("mn" + me + "@example.com", 1000 + me, key, i);
                        Verdict v = ha.judge(mh);
                        if (v instanceof Verdict.Accept) {
                            lastAccepted[me] = mh;
                        } else if (!(v instanceof Verdict.Reject r && r.status() == BindingAckStatus.MIPV6_AUTH_FAIL)) {
                            failures.add("thread " + me + " message " + i + ": " + v);
                        }
                        verified[me] = i;
                    }
                } catch (Exception e) {
                    failures.add("thread " + me + ": " + e);
                } finally {
                    done.countDown();
                }
            }, "verifier-" + t);
            worker.setDaemon(true);
            worker.start();
        }
        start.await();
        for (int swap = 0; swap < 200 && failures.isEmpty(); swap++) {
            boolean toNewTable = swap % 2 == 0;
            ha.security.reload(toNewTable ? toNew : toOld);
            // After reload has returned, only the current table's key verifies.
            String refused = toNewTable ? OLD_KEY : NEW_KEY;
            Verdict v = ha.judge(signed("mn0@example.com", 1000, refused, 1_000_000 + swap));
            if (!(v instanceof Verdict.Reject r && r.status() == BindingAckStatus.MIPV6_AUTH_FAIL)) {
                failures.add("after swap " + swap + " the replaced key still verifies: " + v);
            }
        }
        stop.set(true);
        done.await();

        assertThat(failures).isEmpty();
        for (int t = 0; t < threads; t++) {
            assertThat(verified[t]).as("thread %d verified during the swaps", t).isGreaterThan(10);
            if (lastAccepted[t] != null) {
                Verdict again = ha.judge(lastAccepted[t]);
                assertThat(again).as("thread %d's last accepted Binding Update again, after the swaps", t)
                        .isNotInstanceOf(Verdict.Accept.class);
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    /** The home agent side reading {@code table}, with its path started. */
    private static final class Side {
        final Path table;
        final HomeAgentSecurity security;
        final SignallingPath path;

        Side(Path table) throws ProviderConfigException {
            this.table = table;
            TestContext context = new TestContext(ProviderContext.Role.HOME_AGENT, TestContext.timeAt(T0));
            security = new AuthOption4285Provider().homeAgent(context, section());
            CapturingTransport transport = new CapturingTransport();
            path = security.path(() -> transport);
            path.start(transport.delivered::add);
        }

        ConfigSection section() {
            return ConfigSection.of(SECTION, null, Map.of("key-table", table.toString()));
        }

        Verdict judge(byte[] mh) {
            return path.verify(new Inbound(mh, Parties.fromCareOf(), Observed.NOTHING),
                    Parties.decode(mh, Parties.fromCareOf())).toCompletableFuture().join();
        }
    }

    private Path table(String... rows) throws IOException {
        Path f = Files.createTempFile(dir, "keys-", ".txt",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        rewrite(f, rows);
        return f;
    }

    private static void rewrite(Path table, String... rows) throws IOException {
        Files.writeString(table, "# NAI SPI algorithm key\n" + String.join("\n", rows) + "\n");
    }

    private static byte[] signed(long spi, String keyHex, int n) {
        return signed(Parties.NAI, spi, keyHex, n);
    }

    /** TV3's Binding Update from {@code nai}, signed with SPI and key, its timestamp {@code n} units after T0. */
    private static byte[] signed(String nai, long spi, String keyHex, int n) {
        byte[] key = HexFormat.of().parseHex(keyHex);
        SecurityAssociation sa = new SecurityAssociation(nai, spi, Algorithm.HMAC_SHA1, key);
        return Protection.protect(TestContext.providerCodec(), Parties.tv3Update(), MobileNodeIdentifier.nai(nai),
                NtpTimestamp.of(T0) + n, sa, new AuthenticatedAddresses(Parties.CARE_OF, Parties.HOME_ADDRESS),
                Parties.fromCareOf());
    }
}
