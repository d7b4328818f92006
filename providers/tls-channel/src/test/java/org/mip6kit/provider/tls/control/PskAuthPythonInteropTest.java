package org.mip6kit.provider.tls.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.testing.HostRequirements;

/**
 * A second implementation of the documented auth layout: python3's hmac module reads a real
 * MHAuth-Done encoded by our codec, finds the rands and the auth line itself, and recomputes.
 */
@Tag("large")
class PskAuthPythonInteropTest {

    private static final String SCRIPT = String.join("\n",
            "import hmac, hashlib, sys",
            "wire = open(sys.argv[1], 'rb').read()",
            "psk = bytes.fromhex(sys.argv[2]); cb = bytes.fromhex(sys.argv[3])",
            "assert wire[0] >> 5 == 0 and wire[0] & 0x1f == 0",
            "assert int.from_bytes(wire[2:4], 'big') == len(wire)",
            "lines = wire[4:].split(b'\\r\\n')",
            "fields = dict(l.split(b': ', 1) for l in lines if l)",
            "assert lines[-2:] == [b'', b''] and lines[-3].startswith(b'auth: ')",
            "cut = wire.rindex(b'\\r\\nauth: ') + 2",
            "data = b'MN' + bytes.fromhex(fields[b'mn-rand'].decode()) + bytes.fromhex(fields[b'hac-rand'].decode()) + wire[:cut] + cb",
            "print(hmac.new(psk, data, hashlib.sha256).hexdigest())",
            "");

    @Test
    void pythonHmacAgreesWithTheAuthOfAnEncodedDone(@TempDir Path dir) throws Exception {
        Path python = HostRequirements.command("python3", "python3");
        SecureRandom random = new SecureRandom();
        byte[] psk = new byte[32];
        byte[] cb = new byte[48];
        random.nextBytes(psk);
        random.nextBytes(cb);
        Fixtures f = new Fixtures();
        HacExchange hac = new HacExchange(id -> java.util.Optional.of(new PreSharedKey(psk)), cb,
                r -> f.outcome, random, Fixtures.CLOCK);
        MnExchange mn = new MnExchange("mn1@example.net", new PreSharedKey(psk), cb,
                MnExchange.Wanted.scope(SaScope.SIGNALLING), java.util.List.of("AES_128_CBC_SHA"), random, Fixtures.CLOCK);
        ControlMessage done = ((MnStep.Send) mn.onMessage(hac.onMessage(mn.start()).message())).message();
        Path file = dir.resolve("done.bin");
        Files.write(file, ControlCodec.encode(done));
        Path script = dir.resolve("auth.py");
        Files.writeString(script, SCRIPT);
        Process p = new ProcessBuilder(python.toString(), script.toString(), file.toString(),
                HexFormat.of().formatHex(psk), HexFormat.of().formatHex(cb)).redirectErrorStream(true).start();
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            assertThat(p.exitValue()).as(out).isZero();
            assertThat(out).isEqualTo(done.get("auth").orElseThrow());
        } finally {
            p.destroyForcibly();
        }
    }
}
