package dev.basalt.wasi.preview2.internal;

import dev.basalt.wasi.preview2.internal.HostResources.IoPollable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The readiness of one guest's sockets: a {@link Selector} (opened on the first socket pollable) that every
 * channel of the guest is registered with once, with no interest between checks; a check sets the interest of
 * exactly the channels asked about, selects (now, with a timeout, or until one is ready), and clears the interest
 * again. The channels stay non-blocking for their whole life, so every blocking WASI operation waits here.
 */
final class NetPoll implements AutoCloseable {
    private final HostState owner;
    private Selector selector;

    NetPoll(HostState owner) {
        this.owner = owner;
    }

    /**
     * Which of {@code ps} are ready, waiting at most {@code timeoutNanos} (0: not at all; negative: until one is)
     * when none is ready right away.
     */
    synchronized boolean[] check(List<IoPollable> ps, long timeoutNanos) {
        boolean[] ready = new boolean[ps.size()];
        boolean any = false;
        Map<SelectionKey, Integer> interest = new LinkedHashMap<>();
        try {
            for (int i = 0; i < ps.size(); i++) {
                IoPollable p = ps.get(i);
                if (p.readyNow()) {
                    ready[i] = true;
                    any = true;
                    continue;
                }
                SelectionKey key = key(p.channel());
                if (key == null) {
                    // A closed channel: the operation the guest waits for now fails without blocking.
                    ready[i] = true;
                    any = true;
                    continue;
                }
                interest.merge(key, p.ops(), (x, y) -> x | y);
            }
            if (interest.isEmpty()) {
                return ready;
            }
            Selector sel = selector();
            for (Map.Entry<SelectionKey, Integer> e : interest.entrySet()) {
                e.getKey().interestOps(e.getValue());
            }
            sel.selectedKeys().clear();
            if (any || timeoutNanos == 0) {
                sel.selectNow();
            } else {
                // The store's interrupt or deadline (or an interrupt of the thread by the embedder) stops the guest
                // here, as in the clock waits; select() itself returns at once for an interrupted thread.
                try (HostState.Wait wait = owner.blocking()) {
                    if (Thread.currentThread().isInterrupted()) {
                        throw wait.interrupted();
                    }
                    if (timeoutNanos < 0) {
                        sel.select();
                    } else {
                        sel.select(Math.max(1, (timeoutNanos + 999_999) / 1_000_000));
                    }
                    if (Thread.currentThread().isInterrupted()) {
                        throw wait.interrupted();
                    }
                }
            }
            for (int i = 0; i < ps.size(); i++) {
                if (!ready[i]) {
                    SelectionKey key = ps.get(i).channel().keyFor(sel);
                    ready[i] = key == null || !key.isValid()
                            || (sel.selectedKeys().contains(key) && (key.readyOps() & ps.get(i).ops()) != 0);
                }
            }
            for (SelectionKey key : interest.keySet()) {
                if (key.isValid()) {
                    key.interestOps(0);
                }
            }
            sel.selectedKeys().clear();
            return ready;
        } catch (CancelledKeyException e) {
            // A channel closed while we looked: report everything ready, the guest's next call sees the failure.
            java.util.Arrays.fill(ready, true);
            return ready;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether {@code p} is ready now. */
    boolean ready(IoPollable p) {
        return check(List.of(p), 0)[0];
    }

    /** Blocks until {@code p} is ready (each check that waits traps on an interrupt). */
    void await(IoPollable p) {
        while (!check(List.of(p), -1)[0]) {
            // a spurious wake-up: wait again
        }
    }

    private SelectionKey key(SelectableChannel ch) throws IOException {
        if (!ch.isOpen()) {
            return null;
        }
        Selector sel = selector();
        SelectionKey key = ch.keyFor(sel);
        if (key == null) {
            try {
                key = ch.register(sel, 0);
            } catch (ClosedChannelException e) {
                return null;
            }
        }
        return key;
    }

    private Selector selector() throws IOException {
        if (selector == null) {
            selector = Selector.open();
        }
        return selector;
    }

    @Override
    public synchronized void close() {
        if (selector != null) {
            try {
                selector.close();
            } catch (IOException ignored) {
                // nothing is left to release
            }
            selector = null;
        }
    }
}
