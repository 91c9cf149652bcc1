package dev.basalt.spin.redis;

import dev.basalt.Engine;
import dev.basalt.Store;
import dev.basalt.component.Component;
import dev.basalt.component.ComponentFunc;
import dev.basalt.component.ComponentInstance;
import dev.basalt.component.ComponentInstancePre;
import dev.basalt.component.ComponentLinker;
import dev.basalt.component.ComponentValue;
import dev.basalt.spin.SpinConfig;
import dev.basalt.spin.SpinGuest;
import dev.basalt.spin.SpinHost;
import dev.basalt.wasi.WasiConfig;
import dev.basalt.wasi.preview2.WasiComponentContext;
import dev.basalt.wasi.preview2.WasiPreview2;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Spin's Redis trigger: subscribes to channels of a Redis server and, for every message, runs the channel's
 * component in a fresh instance (WASI 0.2 and {@link SpinHost}'s interfaces, with the component's grants) by
 * calling its export {@code fermyon:spin/inbound-redis#handle-message} with the payload. Messages are handled
 * concurrently (at most {@link #MAX_IN_FLIGHT} at once; the subscription waits beyond that). A handler's
 * {@code err}, a trap or an instantiation failure is reported to the error log and the trigger goes on; a lost
 * connection to the server is re-established (messages published meanwhile are lost: that is pub/sub).
 *
 * {@snippet :
 * RedisTrigger trigger = RedisTrigger.start(engine, RedisAddress.parse("redis://localhost:6379"),
 *         List.of(new RedisTrigger.Subscription("orders", "orders", component, WasiConfig.builder().build(), spin)),
 *         System.err::println);
 * // ... trigger.close();
 * }
 */
public final class RedisTrigger implements AutoCloseable {
    /** The export a Redis-trigger component implements (Spin's unversioned package). */
    public static final String INTERFACE = "fermyon:spin/inbound-redis";
    public static final String FUNCTION = "handle-message";
    /** Messages handled at once. */
    public static final int MAX_IN_FLIGHT = 64;
    private static final long MAX_MESSAGE_BYTES = 64L << 20;
    private static final long RECONNECT_DELAY_MS = 1_000;

    /**
     * One {@code [[trigger.redis]]}: messages on {@code channel} go to {@code component}.
     *
     * @param componentId the component's id (for the error log)
     * @param wasi what the component's guests are granted of WASI
     * @param spin what they are granted of the Spin interfaces
     */
    public record Subscription(String channel, String componentId, Component component, WasiConfig wasi,
            SpinConfig spin) {
        public Subscription {
            Objects.requireNonNull(channel, "channel");
            Objects.requireNonNull(componentId, "componentId");
            Objects.requireNonNull(component, "component");
            Objects.requireNonNull(wasi, "wasi");
            Objects.requireNonNull(spin, "spin");
        }
    }

    private record Handler(Subscription subscription, ComponentInstancePre<WasiComponentContext> pre) {
    }

    private final RedisAddress address;
    private final Map<String, List<Handler>> byChannel;
    private final Consumer<String> errorLog;
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private final Thread subscriber;
    private volatile boolean closed;
    private volatile RedisClient client;
    private final java.util.concurrent.CountDownLatch subscribed = new java.util.concurrent.CountDownLatch(1);

    private RedisTrigger(Engine engine, RedisAddress address, List<Subscription> subscriptions,
            Consumer<String> errorLog) {
        this.address = address;
        this.errorLog = errorLog;
        ComponentLinker<WasiComponentContext> linker = ComponentLinker.create(engine);
        WasiPreview2.addToLinker(linker, c -> c);
        SpinHost.addToLinker(linker, wasi -> wasi.attachment(SpinGuest.class).orElseThrow(() ->
                new IllegalStateException("no SpinGuest attached to the guest's WasiComponentContext")));
        Map<String, List<Handler>> channels = new LinkedHashMap<>();
        Map<Component, ComponentInstancePre<WasiComponentContext>> pres = new java.util.IdentityHashMap<>();
        for (Subscription s : subscriptions) {
            ComponentInstancePre<WasiComponentContext> pre = pres.computeIfAbsent(s.component(), c -> {
                if (!exportsHandler(c)) {
                    throw new IllegalArgumentException("component " + s.componentId() + " does not export "
                            + INTERFACE + "#" + FUNCTION + " (a Redis trigger's component must)");
                }
                return linker.instantiatePre(c);
            });
            channels.computeIfAbsent(s.channel(), k -> new ArrayList<>()).add(new Handler(s, pre));
        }
        this.byChannel = java.util.Collections.unmodifiableMap(channels); // in the manifest's order
        this.subscriber = Thread.ofPlatform().name("basalt-redis-trigger " + address).daemon(true)
                .unstarted(this::subscribeLoop);
    }

    /**
     * Checks the components (each must export {@value #INTERFACE}), subscribes to the channels and returns once
     * the subscription is in place (or the first connection attempt failed: it is retried in the background).
     *
     * @throws IllegalArgumentException if a component does not export the handler or cannot be linked
     */
    public static RedisTrigger start(Engine engine, RedisAddress address, List<Subscription> subscriptions,
            Consumer<String> errorLog) {
        if (subscriptions.isEmpty()) {
            throw new IllegalArgumentException("a Redis trigger needs at least one channel");
        }
        RedisTrigger t = new RedisTrigger(engine, address, subscriptions, errorLog);
        t.subscriber.start();
        try {
            t.subscribed.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return t;
    }

    /** Whether {@code component} exports {@code fermyon:spin/inbound-redis} (any version). */
    public static boolean exportsHandler(Component component) {
        return component.exportNames().stream().anyMatch(RedisTrigger::isHandlerInterface);
    }

    private static boolean isHandlerInterface(String name) {
        return name.equals(INTERFACE) || name.startsWith(INTERFACE + "@");
    }

    /** The channels subscribed to. */
    public List<String> channels() {
        return List.copyOf(byChannel.keySet());
    }

    private void subscribeLoop() {
        while (!closed) {
            try (RedisClient c = RedisClient.connect(address, MAX_MESSAGE_BYTES)) {
                client = c;
                if (closed) {
                    return;
                }
                List<String> channels = channels();
                String[] command = new String[channels.size() + 1];
                command[0] = "SUBSCRIBE";
                for (int i = 0; i < channels.size(); i++) {
                    command[i + 1] = channels.get(i);
                }
                c.command(command);
                for (int i = 1; i < channels.size(); i++) {
                    c.receive(); // one confirmation per channel
                }
                subscribed.countDown();
                while (!closed) {
                    RedisClient.Reply r;
                    try {
                        r = c.receive();
                    } catch (RedisException e) {
                        if (c.isOpen() && !closed) {
                            continue; // no message within the read timeout: keep listening
                        }
                        throw e;
                    }
                    dispatch(r);
                }
            } catch (RedisException e) {
                if (closed) {
                    return;
                }
                subscribed.countDown();
                errorLog.accept("redis trigger: " + e.getMessage() + " (reconnecting in " + RECONNECT_DELAY_MS
                        + " ms)");
                try {
                    Thread.sleep(RECONNECT_DELAY_MS);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private void dispatch(RedisClient.Reply r) {
        // a published message: ["message", channel, payload]
        if (!(r instanceof RedisClient.Reply.Array a) || a.elements().size() != 3
                || !(a.elements().get(0) instanceof RedisClient.Reply.Bulk kind)
                || !new String(kind.value(), java.nio.charset.StandardCharsets.UTF_8).equals("message")
                || !(a.elements().get(1) instanceof RedisClient.Reply.Bulk channel)
                || !(a.elements().get(2) instanceof RedisClient.Reply.Bulk payload)) {
            return;
        }
        List<Handler> handlers = byChannel.get(new String(channel.value(), java.nio.charset.StandardCharsets.UTF_8));
        if (handlers == null) {
            return;
        }
        for (Handler h : handlers) {
            try {
                inFlight.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                workers.execute(() -> {
                    try {
                        handle(h, payload.value());
                    } finally {
                        inFlight.release();
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                inFlight.release(); // closing
            }
        }
    }

    private void handle(Handler h, byte[] payload) {
        Subscription s = h.subscription();
        try (WasiComponentContext wasi = WasiComponentContext.create(s.wasi())) {
            wasi.attach(SpinGuest.class, SpinGuest.create(s.spin()));
            ComponentInstance instance = h.pre().instantiate(Store.create(h.pre().component().engine(), wasi));
            String iface = instance.exportNames().stream().filter(RedisTrigger::isHandlerInterface).findFirst()
                    .orElse(INTERFACE);
            ComponentFunc f = instance.getFunc(iface, FUNCTION).orElseThrow(() -> new IllegalStateException(
                    "no " + iface + "#" + FUNCTION));
            List<ComponentValue> out = f.call(ComponentValue.u8List(payload));
            if (!out.isEmpty() && out.getFirst() instanceof ComponentValue.ResultValue res && !res.ok()) {
                errorLog.accept("redis trigger: component " + s.componentId() + " answered error to a message on "
                        + s.channel());
            }
        } catch (RuntimeException e) {
            errorLog.accept("redis trigger: component " + s.componentId() + " on " + s.channel() + ": " + e);
        }
    }

    /** Unsubscribes (closing the connection) and waits up to 10 seconds for the messages being handled. */
    @Override
    public void close() {
        closed = true;
        RedisClient c = client;
        if (c != null) {
            c.close();
        }
        subscriber.interrupt();
        workers.shutdown();
        try {
            workers.awaitTermination(10, TimeUnit.SECONDS);
            subscriber.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
