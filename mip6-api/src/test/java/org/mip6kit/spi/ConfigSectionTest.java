package org.mip6kit.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("small")
class ConfigSectionTest {

    private static final Path FILE = Path.of("/etc/mip6kit/ha.yaml");

    @Test
    void textRefusesANumberTheParserReadAndSaysToQuoteIt() {
        // YAML reads `key: 0123` as the number 123: the leading zero of a hex key is gone.
        ConfigSection s = ConfigSection.of("security.demo", FILE, Map.of("key", 123));
        ProviderConfigException e = assertThrows(ProviderConfigException.class, () -> s.text("key"));
        assertThat(e.getMessage()).contains("security.demo.key").contains("number").contains("quotes")
                .contains(FILE.toString());
    }

    @Test
    void textRefusesABoolean() {
        ConfigSection s = ConfigSection.of("security.demo", FILE, Map.of("nai", true));
        assertThrows(ProviderConfigException.class, () -> s.text("nai"));
    }

    @Test
    void textRefusesASectionOrAList() {
        ConfigSection s = ConfigSection.of("security.demo", FILE, Map.of("a", Map.of("b", "c"), "l", List.of("x")));
        assertThrows(ProviderConfigException.class, () -> s.text("a"));
        assertThrows(ProviderConfigException.class, () -> s.text("l"));
    }

    @Test
    void textAcceptsQuotedTextExactlyAndReportsAMissingKey() throws Exception {
        ConfigSection s = ConfigSection.of("security.demo", FILE, Map.of("key", "0123"));
        assertThat(s.text("key")).isEqualTo("0123");
        assertThat(s.optionalText("absent")).isEmpty();
        ProviderConfigException e = assertThrows(ProviderConfigException.class, () -> s.text("absent"));
        assertThat(e.getMessage()).contains("security.demo.absent").contains("required");
    }

    @Test
    void stringStillAcceptsNumbersForSettingsWhereTheirTextIsTheValue() throws Exception {
        ConfigSection s = ConfigSection.of("security.demo", FILE, Map.of("spi", 256));
        assertThat(s.string("spi")).isEqualTo("256");
    }
}
