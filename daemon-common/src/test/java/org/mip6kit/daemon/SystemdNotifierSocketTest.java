package org.mip6kit.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.daemon.testing.NotifySocketListener;
import org.slf4j.LoggerFactory;

/**
 * {@link SystemdNotifier} against a real {@code AF_UNIX} datagram socket bound by python3 (an
 * implementation independent of the notifier's jnr-ffi calls): each notification is exactly one
 * datagram holding exactly the {@code sd_notify} lines, to a path and to an abstract name; a
 * socket nobody listens on costs one WARN and no exception.
 */
@Tag("large")
class SystemdNotifierSocketTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @Test
    void readyReloadingAndStoppingArriveAsOneDatagramEachOnAPathSocket() throws Exception {
        try (NotifySocketListener manager = NotifySocketListener.bind(dir.resolve("notify"))) {
            SystemdNotifier notifier = SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", manager.address()));

            notifier.ready("serving 2001:db8:1::1, 0 bindings");
            notifier.reloading("reloading");
            notifier.ready("serving 2001:db8:1::1, 3 bindings");
            notifier.status("still here");
            notifier.stopping("stopping");

            assertThat(manager.next(WAIT)).isEqualTo("READY=1\nSTATUS=serving 2001:db8:1::1, 0 bindings\n");
            assertThat(manager.next(WAIT)).matches("RELOADING=1\nMONOTONIC_USEC=[1-9][0-9]*\nSTATUS=reloading\n");
            assertThat(manager.next(WAIT)).isEqualTo("READY=1\nSTATUS=serving 2001:db8:1::1, 3 bindings\n");
            assertThat(manager.next(WAIT)).isEqualTo("STATUS=still here\n");
            assertThat(manager.next(WAIT)).isEqualTo("STOPPING=1\nSTATUS=stopping\n");
            assertThat(manager.poll(Duration.ofMillis(300))).as("nothing more").isNull();
        }
    }

    @Test
    void anAtSignAddressReachesTheAbstractSocketOfThatName() throws Exception {
        String name = "mip6kit-test-" + Long.toHexString(new java.security.SecureRandom().nextLong());
        try (NotifySocketListener manager = NotifySocketListener.bindAbstract(name)) {
            SystemdNotifier notifier = SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "@" + name));

            notifier.ready("ready");

            assertThat(manager.next(WAIT)).isEqualTo("READY=1\nSTATUS=ready\n");
        }
    }

    @Test
    void monotonicUsecIsTheMonotonicClockInMicroseconds() throws Exception {
        try (NotifySocketListener manager = NotifySocketListener.bind(dir.resolve("notify"))) {
            SystemdNotifier notifier = SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", manager.address()));
            // HotSpot's System.nanoTime is CLOCK_MONOTONIC on Linux: the value must lie between two readings.
            long before = System.nanoTime() / 1000;
            notifier.reloading("reloading");
            long after = System.nanoTime() / 1000 + 1;

            String message = manager.next(WAIT);
            long usec = Long.parseLong(message.lines().filter(l -> l.startsWith("MONOTONIC_USEC="))
                    .findFirst().orElseThrow().substring("MONOTONIC_USEC=".length()));
            assertThat(usec).isBetween(before, after);
        }
    }

    @Test
    void aSocketNobodyListensOnIsWarnedAboutOnceAndNeverThrown() {
        Logger logger = (Logger) LoggerFactory.getLogger(SystemdNotifier.class);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        logger.addAppender(log);
        try {
            Path missing = dir.resolve("nobody-here");
            SystemdNotifier notifier = SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", missing.toString()));

            notifier.ready("ready");
            notifier.status("one");
            notifier.stopping("stopping");

            assertThat(log.list).hasSize(1);
            ILoggingEvent warning = log.list.get(0);
            assertThat(warning.getLevel()).isEqualTo(Level.WARN);
            assertThat(warning.getFormattedMessage()).contains("NOTIFY_SOCKET=" + missing)
                    .contains("sendto failed").contains("No such file or directory");
        } finally {
            logger.detachAppender(log);
        }
    }
}
