package org.mip6kit.provider.tls.control;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("small")
class ExchangeSequenceTest {

    @Test
    void firstIdentifierIsOne() {
        ExchangeSequence s = new ExchangeSequence();
        assertThat(s.accept(0)).isFalse();
        assertThat(s.accept(2)).isFalse();
        assertThat(s.accept(1)).isTrue();
    }

    @Test
    void repeatedIdentifierIsRefused() {
        ExchangeSequence s = new ExchangeSequence();
        s.accept(1);
        assertThat(s.accept(1)).isFalse();
        assertThat(s.current()).isEqualTo(1);
    }

    @Test
    void the256thExchangeIsRefused() {
        ExchangeSequence s = new ExchangeSequence();
        for (int id = 1; id <= 255; id++) {
            assertThat(s.accept(id)).as("exchange %d", id).isTrue();
        }
        assertThat(s.next()).isZero();
        assertThat(s.accept(256)).isFalse();
        assertThat(s.accept(0)).isFalse();
    }
}
