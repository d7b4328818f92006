package org.mip6kit.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.ProviderConfigException;
import org.mip6kit.transport.UdpTransport;

/** The shared sections: transport, admin, logging. Errors name the key path and the file. */
@Tag("small")
class DaemonSettingsTest {

    private static final Path FILE = Path.of("/etc/mip6kit/ha.yaml");

    private static DaemonSettings read(String yaml) throws ProviderConfigException {
        ConfigSection root = ConfigFile.parse(yaml, FILE);
        return DaemonSettings.read(root, new DaemonSettings.Defaults(
                new UdpTransport.Config(loopback(), 4191, 1 << 20), "ha.sock"));
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByName("::1");
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void absentSectionsGiveTheDaemonsDefaultsAndASocketNextToTheFile() throws Exception {
        DaemonSettings s = read("home-agent: {}\n");

        assertThat(s.udp()).isEqualTo(new UdpTransport.Config(loopback(), 4191, 1 << 20));
        assertThat(s.adminSocket()).isEqualTo(Path.of("/etc/mip6kit/ha.sock"));
        assertThat(s.logging()).isEqualTo(LogLevels.NONE);
    }

    @Test
    void everyKeyIsRead() throws Exception {
        DaemonSettings s = read("""
                transport:
                  udp: { bind: "127.0.0.1", port: 5000, receive-buffer: 65536, receive-threads: 2, batch-size: 8,
                         native-io: "off" }
                admin:
                  socket: run/ha.sock
                logging:
                  level: WARN
                  loggers:
                    org.mip6kit.ha: debug
                """);

        assertThat(s.udp()).isEqualTo(new UdpTransport.Config(InetAddress.getByName("127.0.0.1"), 5000, 65536, 2, 8,
                UdpTransport.NativeIo.OFF));
        assertThat(s.adminSocket()).as("relative to the file's directory").isEqualTo(Path.of("/etc/mip6kit/run/ha.sock"));
        assertThat(s.logging().root()).contains("warn");
        assertThat(s.logging().loggers()).isEqualTo(Map.of("org.mip6kit.ha", "debug"));
    }

    @Test
    void batchesAreOnWhereAvailableUnlessTheFileSaysOtherwise() throws Exception {
        UdpTransport.Config defaults = read("transport: { udp: { port: 5000 } }\n").udp();
        assertThat(defaults.batchSize()).isEqualTo(UdpTransport.Config.DEFAULT_BATCH_SIZE);
        assertThat(defaults.nativeIo()).isEqualTo(UdpTransport.NativeIo.AUTO);
        assertThat(read("transport: { udp: { native-io: \"on\" } }\n").udp().nativeIo())
                .isEqualTo(UdpTransport.NativeIo.ON);
    }

    @Test
    void anUnknownNativeIoModeOrABatchOutsideItsRangeIsAConfigErrorNamingTheKey() {
        assertThatThrownBy(() -> read("transport: { udp: { native-io: \"yes\" } }\n"))
                .isInstanceOf(ProviderConfigException.class)
                .hasMessageContaining("native-io")
                .hasMessageContaining("give auto, on or off");
        assertThatThrownBy(() -> read("transport: { udp: { batch-size: 0 } }\n"))
                .isInstanceOf(ProviderConfigException.class)
                .hasMessageContaining("batch-size");
        assertThatThrownBy(() -> read("transport: { udp: { batch-size: 257 } }\n"))
                .isInstanceOf(ProviderConfigException.class)
                .hasMessageContaining("batch-size");
    }

    @Test
    void bracketedIpv6BindAddressIsAccepted() throws Exception {
        assertThat(read("transport: { udp: { bind: \"[::]\" } }\n").udp().bindAddress())
                .isEqualTo(InetAddress.getByName("::"));
    }

    @Test
    void hostNameAsBindAddressIsRefusedWithoutALookup() {
        assertThatThrownBy(() -> read("transport: { udp: { bind: localhost } }\n"))
                .isInstanceOf(ProviderConfigException.class)
                .hasMessageStartingWith(FILE + ": transport.udp.bind: is not an IP address literal: 'localhost'");
    }

    @Test
    void portOutsideTheUdpRangeIsRefused() {
        assertThatThrownBy(() -> read("transport: { udp: { port: 70000 } }\n"))
                .hasMessage(FILE + ": transport.udp.port: must be between 0 and 65535, got 70000");
    }

    @Test
    void receiveThreadsOutsideOneToSixtyFourAreRefused() {
        assertThatThrownBy(() -> read("transport: { udp: { receive-threads: 0 } }\n"))
                .hasMessage(FILE + ": transport.udp.receive-threads: must be between 1 and 64, got 0");
    }

    @Test
    void unknownTransportKeyIsNamed() {
        assertThatThrownBy(() -> read("transport: { tcp: { port: 1 } }\n"))
                .hasMessage(FILE + ": transport.tcp: unknown key; allowed here: udp");
    }

    @Test
    void unknownAdminKeyIsNamed() {
        assertThatThrownBy(() -> read("admin: { sockett: x.sock }\n"))
                .hasMessage(FILE + ": admin.sockett: unknown key; allowed here: socket");
    }

    @Test
    void socketPathTooLongForTheKernelIsAConfigurationError() {
        assertThatThrownBy(() -> read("admin: { socket: /" + "x".repeat(120) + "/ha.sock }\n"))
                .isInstanceOf(ProviderConfigException.class)
                .hasMessageStartingWith(FILE + ": admin.socket: the socket path /x")
                .hasMessageContaining("at most 107");
    }

    @Test
    void unknownLogLevelIsNamed() {
        assertThatThrownBy(() -> read("logging: { loggers: { org.mip6kit.ha: loud } }\n"))
                .hasMessage(FILE + ": logging.loggers.org.mip6kit.ha: must be one of trace, debug, info, warn, "
                        + "error, off; got 'loud'");
    }

    @Test
    void logLevelPropertyWinsOverTheFile() {
        LogLevels levels = new LogLevels(Optional.of("warn"), Map.of());
        String before = System.getProperty(LogLevels.LEVEL_PROPERTY);
        try {
            System.setProperty(LogLevels.LEVEL_PROPERTY, "DEBUG");
            assertThat(levels.effectiveRoot()).contains("debug");
            System.clearProperty(LogLevels.LEVEL_PROPERTY);
            assertThat(levels.effectiveRoot()).contains("warn");
        } finally {
            if (before != null) {
                System.setProperty(LogLevels.LEVEL_PROPERTY, before);
            } else {
                System.clearProperty(LogLevels.LEVEL_PROPERTY);
            }
        }
    }

    @Test
    void adminSocketAloneCanBeReadForCommandLineTools() throws Exception {
        ConfigSection root = ConfigFile.parse("admin: { socket: /run/mip6kit/ha.sock }\nanything: else\n", FILE);

        assertThat(DaemonSettings.readAdminSocket(root, "ha.sock")).isEqualTo(Path.of("/run/mip6kit/ha.sock"));
    }
}
