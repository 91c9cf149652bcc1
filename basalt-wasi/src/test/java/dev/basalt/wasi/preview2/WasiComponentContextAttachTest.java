package dev.basalt.wasi.preview2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.wasi.WasiConfig;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WasiComponentContextAttachTest {
    static final class Counter implements AutoCloseable {
        final AtomicInteger closed = new AtomicInteger();

        @Override
        public void close() {
            closed.incrementAndGet();
        }
    }

    @Test
    void attachmentsAreFoundByTypeAndClosedWithTheContext() {
        Counter c = new Counter();
        WasiComponentContext wasi = WasiComponentContext.create(WasiConfig.builder().build());
        assertThat(wasi.attachment(Counter.class)).isEmpty();
        wasi.attach(Counter.class, c);
        wasi.attach(String.class, "not closeable");
        assertThat(wasi.attachment(Counter.class)).containsSame(c);
        assertThat(wasi.attachment(String.class)).contains("not closeable");
        assertThatThrownBy(() -> wasi.attach(Counter.class, new Counter())).isInstanceOf(IllegalStateException.class);
        wasi.close();
        assertThat(c.closed).hasValue(1);
        assertThat(wasi.attachment(Counter.class)).isEmpty();
    }
}
