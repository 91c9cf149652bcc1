package dev.basalt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@link Store#enterBlockingCall()}: a host call blocked in a Java wait is woken by the store's
 * {@link Store#interrupt()} and deadline with their trap, the thread's interrupt flag is clean afterwards, and
 * nothing reaches the thread outside the section.
 */
class BlockingCallTest {
    private final Engine engine = Engine.create(Config.builder().strategy(Config.Strategy.INTERPRETER).build());

    /** Runs {@code body} on a new thread and returns what it threw (null if nothing) and its final interrupt flag. */
    private record Outcome(Throwable thrown, boolean interruptFlag) {
    }

    private static Outcome onThread(Runnable body, Runnable whileRunning) throws InterruptedException {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean flag = new AtomicBoolean();
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                thrown.set(e);
            }
            flag.set(Thread.currentThread().isInterrupted());
        });
        t.start();
        whileRunning.run();
        t.join(60_000);
        assertThat(t.isAlive()).as("the blocked thread ended").isFalse();
        return new Outcome(thrown.get(), flag.get());
    }

    /** Blocks in a latch that nobody counts down, inside a blocking section of {@code store}. */
    private static Runnable blockForever(Store<?> store, CountDownLatch entered) {
        return () -> {
            try (Store.BlockingCall call = store.enterBlockingCall()) {
                entered.countDown();
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    throw call.interrupted();
                }
            }
        };
    }

    @Test
    void interruptWakesABlockedHostCallWithTheInterruptedTrap() throws InterruptedException {
        Store<Void> store = Store.create(engine);
        CountDownLatch entered = new CountDownLatch(1);
        Outcome o = onThread(blockForever(store, entered), () -> {
            try {
                assertThat(entered.await(60, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            store.interrupt();
        });
        assertThat(o.thrown()).isInstanceOfSatisfying(Trap.class,
                t -> assertThat(t.kind()).isEqualTo(TrapKind.INTERRUPTED));
        assertThat(o.interruptFlag()).as("the store's interrupt is cleared from the thread").isFalse();
    }

    @Test
    void aDeadlineWakesABlockedHostCallWithTheDeadlineTrap() throws InterruptedException {
        Store<Void> store = Store.create(engine);
        store.setDeadline(Duration.ofMillis(50));
        Outcome o = onThread(blockForever(store, new CountDownLatch(1)), () -> {
        });
        assertThat(o.thrown()).isInstanceOfSatisfying(Trap.class,
                t -> assertThat(t.kind()).isEqualTo(TrapKind.DEADLINE_EXCEEDED));
        assertThat(o.interruptFlag()).isFalse();
        // the trap was consumed: the store is usable again
        try (Store.BlockingCall call = store.enterBlockingCall()) {
            assertThat(call).isNotNull();
        }
    }

    @Test
    void aPendingInterruptTrapsOnEntryWithoutBlocking() {
        Store<Void> store = Store.create(engine);
        store.interrupt();
        assertThatThrownBy(store::enterBlockingCall).isInstanceOfSatisfying(Trap.class,
                t -> assertThat(t.kind()).isEqualTo(TrapKind.INTERRUPTED));
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        // entered and left again: a later interrupt is not delivered to this thread
        store.enterBlockingCall().close();
        store.interrupt();
        assertThat(Thread.interrupted()).as("no interrupt outside a section").isFalse();
        store.clearInterrupt();
    }

    @Test
    void anInterruptOfTheThreadBySomeoneElseIsAnInterruptedTrap() throws InterruptedException {
        Store<Void> store = Store.create(engine);
        Thread[] worker = new Thread[1];
        CountDownLatch entered = new CountDownLatch(1);
        Outcome o = onThread(() -> {
            worker[0] = Thread.currentThread();
            blockForever(store, entered).run();
        }, () -> {
            try {
                assertThat(entered.await(60, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            worker[0].interrupt();
        });
        assertThat(o.thrown()).isInstanceOfSatisfying(Trap.class,
                t -> assertThat(t.kind()).isEqualTo(TrapKind.INTERRUPTED));
        // InterruptedException cleared the flag (this host does not restore it); the store has nothing pending
        assertThat(o.interruptFlag()).isFalse();
        try (Store.BlockingCall call = store.enterBlockingCall()) {
            assertThat(call).isNotNull();
        }
    }

    @Test
    void sectionsNest() throws InterruptedException {
        Store<Void> store = Store.create(engine);
        CountDownLatch entered = new CountDownLatch(1);
        Outcome o = onThread(() -> {
            try (Store.BlockingCall outer = store.enterBlockingCall()) {
                // an inner section ends before the wait: the thread must still be registered for the outer one
                store.enterBlockingCall().close();
                blockForever(store, entered).run();
            }
        }, () -> {
            try {
                assertThat(entered.await(60, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            store.interrupt();
        });
        assertThat(o.thrown()).isInstanceOf(Trap.class);
        assertThat(o.interruptFlag()).isFalse();
    }
}
