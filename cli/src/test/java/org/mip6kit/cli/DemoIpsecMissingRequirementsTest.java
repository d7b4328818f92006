package org.mip6kit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.provider.ipsec.IpsecIkev2Provider;
import picocli.CommandLine;

/**
 * {@code ./mip6kit demo --provider ipsec-ikev2} on a host that lacks what the two-namespace demo
 * needs (a stand-in requirements check): exit 2, naming exactly what is missing, nothing started.
 */
@Tag("small")
class DemoIpsecMissingRequirementsTest {

    private static final List<String> MISSING = List.of(
            "root (network namespaces, veth, charon's TUN device and IKE sockets)",
            "/usr/lib/ipsec/plugins/libstrongswan-kernel-libipsec.so (package libcharon-extra-plugins)");

    @Test
    void hostWithoutRootOrPluginExitsTwoNamingExactlyWhatIsMissing(@TempDir Path dir) {
        List<Boolean> asked = new ArrayList<>();
        Run run = run(() -> {
            asked.add(true);
            return MISSING;
        }, dir, "--provider", "ipsec-ikev2");

        assertThat(run.exitCode()).as("%s", run).isEqualTo(Mip6kitCommand.EXIT_BAD_INPUT);
        assertThat(asked).as("the requirements were checked once").hasSize(1);
        assertThat(run.err()).startsWith("provider ipsec-ikev2 cannot run in the demo: ")
                .contains("this host lacks: " + String.join(", ", MISSING))
                .contains("strongswan-charon strongswan-swanctl libcharon-extra-plugins "
                        + "libstrongswan-standard-plugins")
                .doesNotContain("/dev/net/tun").doesNotContain("/usr/lib/ipsec/charon (");
        assertThat(run.out()).as("no step started").isEmpty();
        assertThat(dir.resolve("demo.pcap")).doesNotExist();
    }

    @Test
    void theRefusalIsTheProvidersOwnReasonBuiltFromTheSameList(@TempDir Path dir) {
        Run run = run(() -> MISSING, dir, "--provider", "ipsec-ikev2");
        assertThat(run.err().strip()).isEqualTo("provider ipsec-ikev2 cannot run in the demo: "
                + IpsecIkev2Provider.demoUnsupportedReason(MISSING));
        assertThat(IpsecIkev2Provider.demoUnsupportedReason(List.of())).doesNotContain("lacks");
    }

    @Test
    void demoOptionsAreRefusedBeforeTheHostIsChecked(@TempDir Path dir) {
        List<Boolean> asked = new ArrayList<>();
        Run run = run(() -> {
            asked.add(true);
            return List.of();
        }, dir, "--provider", "ipsec-ikev2", "--provider-option", "mode=kernel");

        assertThat(run.exitCode()).as("%s", run).isEqualTo(Mip6kitCommand.EXIT_BAD_INPUT);
        assertThat(run.err()).contains("cannot run in the demo: it takes no demo options (got mode)");
        assertThat(asked).isEmpty();
    }

    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(java.util.function.Supplier<List<String>> requirements, Path dir, String... args) {
        DemoCommand demo = new DemoCommand();
        demo.ipsecRequirements = requirements;
        CommandLine commandLine = new CommandLine(demo);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--pcap");
        all.add(dir.resolve("demo.pcap").toString());
        int exit = commandLine.execute(all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }
}
