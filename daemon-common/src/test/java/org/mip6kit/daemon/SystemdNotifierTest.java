package org.mip6kit.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The pure parts of {@link SystemdNotifier}: when it is enabled, the socket address, the STATUS line. */
@Tag("small")
class SystemdNotifierTest {

    @Test
    void isDisabledWithoutNotifySocketOrWithAnEmptyOne() {
        assertThat(SystemdNotifier.fromEnvironment(Map.of()).enabled()).isFalse();
        assertThat(SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "")).enabled()).isFalse();
        assertThat(SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "/run/systemd/notify")).enabled())
                .isTrue();
    }

    @Test
    void pathAddressIsThePathWithATerminatingNul() throws Exception {
        byte[] sunPath = SystemdNotifier.socketAddress("/run/systemd/notify");

        assertThat(sunPath).isEqualTo("/run/systemd/notify\0".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void atSignAddressIsAnAbstractNameWithALeadingNulAndNoTrailingOne() throws Exception {
        byte[] sunPath = SystemdNotifier.socketAddress("@org/freedesktop/systemd1/notify/42");

        assertThat(sunPath).isEqualTo("\0org/freedesktop/systemd1/notify/42".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void rejectsARelativePath() {
        SystemdNotifier.NotificationException e = assertThrows(SystemdNotifier.NotificationException.class,
                () -> SystemdNotifier.socketAddress("run/notify"));
        assertThat(e.getMessage()).contains("not an absolute socket path");
    }

    @Test
    void rejectsAPathLongerThanSunPath() {
        String path = "/" + "x".repeat(107);   // 108 octets, and the NUL makes 109
        SystemdNotifier.NotificationException e = assertThrows(SystemdNotifier.NotificationException.class,
                () -> SystemdNotifier.socketAddress(path));
        assertThat(e.getMessage()).contains("108 octets");
    }

    @Test
    void statusLineHasNoLineBreakThatCouldForgeAnotherKey() {
        assertThat(SystemdNotifier.statusLine("serving\nREADY=1")).isEqualTo("serving READY=1");
    }

    @Test
    void statusLineIsCutAtItsLimit() {
        String line = SystemdNotifier.statusLine("b".repeat(1000));

        assertThat(line).hasSize(SystemdNotifier.MAX_STATUS_CHARS).endsWith("...");
    }
}
