package org.mip6kit.provider.ipsec.charon;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.engine.VirtualTime;
import org.mip6kit.provider.ipsec.vici.Vici;
import org.mip6kit.provider.ipsec.vici.ViciException;
import org.mip6kit.provider.ipsec.vici.ViciMessage;
import org.mip6kit.provider.ipsec.vici.ViciSubscription;

/** A charon that stops answering fails the command after the bound and loses its connection. */
@Tag("small")
class CharonTimeoutTest {

    /** Accepts every request and never answers. */
    private static final class SilentVici implements Vici {
        final CompletableFuture<ViciException> lost = new CompletableFuture<>();

        @Override
        public CompletionStage<ViciMessage> request(String command, ViciMessage message) {
            return new CompletableFuture<>();
        }

        @Override
        public CompletionStage<ViciMessage> request(String command, ViciMessage message, String streamEvent,
                Consumer<ViciMessage> onEvent) {
            return new CompletableFuture<>();
        }

        @Override
        public CompletionStage<? extends ViciSubscription> register(String event, Consumer<ViciMessage> consumer) {
            return new CompletableFuture<>();
        }

        @Override
        public CompletionStage<ViciException> lost() {
            return lost;
        }

        @Override
        public void close() {
            lost.complete(new ViciException("closed"));
        }
    }

    @Test
    void unansweredCommandFailsAfterTheBoundAndClosesTheConnection() {
        VirtualTime time = new VirtualTime();
        SilentVici vici = new SilentVici();
        CompletableFuture<String> version = new Charon(vici, time).version().toCompletableFuture();

        time.advance(Charon.ANSWER_TIMEOUT.minusSeconds(1));
        assertThat(version).isNotDone();
        assertThat(vici.lost).isNotDone();
        time.advance(Duration.ofSeconds(2));
        assertThat(version).isCompletedExceptionally();
        assertThat(vici.lost).as("the connection, whose next answer could be this one's").isDone();
        try {
            version.get();
        } catch (ExecutionException | InterruptedException e) {
            assertThat(e.getCause()).isInstanceOf(ViciException.class).hasMessageContaining("'version'");
        }
    }

    @Test
    void initiateGetsItsOwnTimeoutOnTop() {
        VirtualTime time = new VirtualTime();
        SilentVici vici = new SilentVici();
        CompletableFuture<Void> up = new Charon(vici, time).initiate("c", "i", Duration.ofSeconds(30))
                .toCompletableFuture();
        time.advance(Charon.ANSWER_TIMEOUT.plusSeconds(29));
        assertThat(up).isNotDone();
        time.advance(Duration.ofSeconds(2));
        assertThat(up).isCompletedExceptionally();
    }
}
