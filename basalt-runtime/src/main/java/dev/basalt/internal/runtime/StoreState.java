package dev.basalt.internal.runtime;

import dev.basalt.Trap;
import dev.basalt.TrapKind;
import java.lang.invoke.MethodHandle;
import java.lang.ref.Cleaner;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MutableCallSite;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Everything mutable that a {@code Store} owns for execution: the interpreter's value stack (three parallel
 * arrays: numbers / low v128 halves, high v128 halves, references), the Wasm call stack used for depth limits
 * and backtraces, fuel, the interrupt flag and the resource limits. Used by one thread at a time (like the
 * store); only {@link #interrupt} is written from other threads.
 */
public final class StoreState {
    private static final int INITIAL_SLOTS = 1024;

    public long[] stack = new long[INITIAL_SLOTS];
    public long[] his = new long[INITIAL_SLOTS];
    public Object[] refs = new Object[INITIAL_SLOTS];
    /** Current top of the value stack while host code runs (re-entrant calls push above it). */
    public int top;

    /**
     * The interpreter's frames by depth (compiled frames leave their slots alone: at their depths the entries are
     * stale; see {@link #backtrace(Throwable, int)}). Never longer than {@code maxDepth + 1}: {@link #enter} checks
     * the limit only when a call outgrows the array.
     */
    public FunctionInstance[] frames;
    /** Per interpreted frame, the code position where a trap passed through it (filled while a trap unwinds). */
    public int[] framePcs;
    /**
     * The call depth of the runtime's innermost frame: interpreted activations count themselves; compiled code does
     * not count its frames here but passes a room down its calls (see {@code FunctionCompiler.roomSlot}), and sets
     * this to its own depth only while it calls through the runtime.
     */
    public int depth;
    /** The deepest call depth allowed; a call beyond it traps with {@link TrapKind#CALL_STACK_EXHAUSTED}. */
    public final int maxDepth;

    /** Remaining fuel; {@link Long#MAX_VALUE} (never reached in practice) when fuel is off. */
    public long fuel = Long.MAX_VALUE;
    public boolean fuelEnabled;
    /**
     * 0 = run; else the ordinal + 1 of the TrapKind to raise at the next check. Written by other threads, only
     * through {@link #requestInterrupt} / {@link #clearInterrupt} / {@link #poll}, which keep
     * {@link #anyInterruptPending} up to date.
     */
    public volatile int interrupt;
    /**
     * Non-null while this store is counted in {@link #pendingStores}; guarded by {@link #INTERRUPTS}. Cleaning it
     * uncounts the store, which also happens when the store is garbage collected with its interrupt still pending
     * (a deadline that fired on an idle, then dropped store), so such a store does not keep the flag up forever.
     */
    private Cleaner.Cleanable counted;

    /*
     * Compiled code polls interruption at every loop header and function entry. A volatile read there is a memory
     * barrier for the JIT: it keeps HotSpot from hoisting any memory load out of the loop, and while it was the
     * check, one store's pending interrupt made every loop of every store in the JVM 1.6-1.9x slower. So compiled
     * code first asks anyInterruptPending(), a constant for the JIT (the target of a MutableCallSite, folded with a
     * dependency), and only while it is true reads `interrupt`, and then with a plain read
     * (interruptRequestedPlain): no barrier, and HotSpot may hoist it out of a loop like any other invariant load.
     * What makes a hoisted read still see a new interrupt is that every requestInterrupt re-targets the flag (also
     * when it is true already): that deoptimises all code that folded it, frames on the stack included, and the
     * deoptimised frame continues in the bytecode interpreter, which reads the field afresh. The flag is true while
     * any store has an interrupt pending; syncAll makes every thread see a new target.
     */
    private static final Object INTERRUPTS = new Object();
    private static final Cleaner CLEANER = Cleaner.create();
    private static int pendingStores; // guarded by INTERRUPTS
    private static final MutableCallSite PENDING_FLAG = new MutableCallSite(MethodHandles.constant(boolean.class, false));
    private static final MethodHandle PENDING_READER = PENDING_FLAG.dynamicInvoker();

    /*
     * Fuel works the same way: until some store of this JVM turns fuel metering on, no store needs its fuel counted,
     * so compiled checkpoints skip the decrement (a read-modify-write of `fuel` in every loop iteration, whose
     * store-to-load chain bounded tight loops). The flag is sticky: once any store has had fuel on, every checkpoint
     * counts again, as before. Turning it on deoptimises the code that folded it, also frames on the stack (a host
     * function may turn fuel on mid-call), so counting starts at their next checkpoint.
     */
    private static boolean fuelEverEnabled; // guarded by INTERRUPTS
    private static final MutableCallSite ARMED_FLAG = new MutableCallSite(MethodHandles.constant(boolean.class, false));
    private static final MethodHandle ARMED_READER = ARMED_FLAG.dynamicInvoker();
    private static final MutableCallSite FUEL_FLAG = new MutableCallSite(MethodHandles.constant(boolean.class, false));
    private static final MethodHandle FUEL_READER = FUEL_FLAG.dynamicInvoker();
    /** {@link #interrupt} read without the volatile semantics (see {@link #interruptRequestedPlain}). */
    private static final VarHandle INTERRUPT_PLAIN;

    static {
        try {
            INTERRUPT_PLAIN = MethodHandles.lookup().findVarHandle(StoreState.class, "interrupt", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * False while no store of this JVM has ever had fuel on and none has an interrupt pending: then compiled
     * checkpoints have nothing to do. A JIT constant.
     */
    public static boolean checkpointsArmed() {
        try {
            return (boolean) ARMED_READER.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /**
     * True once some store of this JVM has had fuel on (sticky): then compiled checkpoints count fuel. While it is
     * false and {@link #checkpointsArmed} is true, an interrupt is pending somewhere and checkpoints only check this
     * store's. A JIT constant.
     */
    public static boolean fuelMetered() {
        try {
            return (boolean) FUEL_READER.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Turns fuel metering on for this store with {@code amount} units (see {@link #checkpointsArmed}). */
    public void enableFuel(long amount) {
        synchronized (INTERRUPTS) {
            if (!fuelEverEnabled) {
                fuelEverEnabled = true;
                FUEL_FLAG.setTarget(MethodHandles.constant(boolean.class, true));
                ARMED_FLAG.setTarget(MethodHandles.constant(boolean.class, true));
                MutableCallSite.syncAll(new MutableCallSite[] {FUEL_FLAG, ARMED_FLAG});
            }
        }
        fuelEnabled = true;
        fuel = amount;
    }

    /** False when no store has an interrupt pending (then {@link #interrupt} is 0 everywhere); a JIT constant. */
    public static boolean anyInterruptPending() {
        try {
            return (boolean) PENDING_READER.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /**
     * Whether an interrupt is pending on this store, read as a plain field: for compiled checkpoints, and only while
     * {@link #anyInterruptPending} is true (its re-targeting on every request is what makes a read the JIT hoisted
     * out of a loop see a new interrupt; see the comment at {@code INTERRUPTS}).
     */
    public boolean interruptRequestedPlain() {
        return (int) INTERRUPT_PLAIN.get(this) != 0;
    }

    /**
     * Asks code running on this store to trap with {@code kind} at its next check; any thread. A thread blocked in
     * a host call of this store ({@link #enterBlocking}) is woken by interrupting it.
     */
    public void requestInterrupt(TrapKind kind) {
        synchronized (INTERRUPTS) {
            interrupt = kind.ordinal() + 1;
            if (counted == null) {
                pendingStores++;
                counted = CLEANER.register(this, StoreState::uncountOne);
            }
            // Also when the flag is true already: code compiled meanwhile may have hoisted its plain read of this
            // store's flag out of a running loop; re-targeting deoptimises it (see the comment at INTERRUPTS).
            setPendingFlag(true);
        }
        synchronized (blockingLock) {
            if (blockedThread != null && !wokeBlocked) {
                wokeBlocked = true;
                blockedThread.interrupt();
            }
        }
    }

    /*
     * Host calls that block (a socket poll, waiting for an HTTP response, reading a request body, sleeping) are not
     * reached by the checkpoints of Wasm code. While one runs, its thread is registered here, and an interrupt or an
     * expiring deadline interrupts that thread (Thread.interrupt), which ends Java's blocking waits: Object.wait,
     * Selector.select, Future.get, sleep, interruptible channels and streams built on them. Only inside the
     * registered section, so that no interrupt reaches unrelated code on the thread afterwards (a pool's next task,
     * a FileChannel, which an interrupt closes); one delivered is cleared again when the section ends.
     */
    private final Object blockingLock = new Object();
    private Thread blockedThread; // guarded by blockingLock
    private int blockingDepth; // guarded by blockingLock
    private boolean wokeBlocked; // guarded by blockingLock

    /**
     * The current thread enters a blocking host call of this store; {@link #exitBlocking} must follow. Throws the
     * pending interrupt or deadline trap right away (and then leaves the section again) when one is pending.
     */
    public void enterBlocking() {
        synchronized (blockingLock) {
            if (blockingDepth++ == 0) {
                blockedThread = Thread.currentThread();
            }
        }
        if (interrupt != 0) {
            try {
                poll();
            } finally {
                exitBlocking();
            }
        }
    }

    /** Ends the section {@link #enterBlocking} began, clearing the thread's interrupt flag if this store set it. */
    public void exitBlocking() {
        synchronized (blockingLock) {
            if (--blockingDepth == 0) {
                blockedThread = null;
                if (wokeBlocked) {
                    wokeBlocked = false;
                    Thread.interrupted();
                }
            }
        }
    }

    /**
     * The trap for a blocking wait that ended because the thread was interrupted: the store's pending interrupt or
     * deadline (consumed), else {@code interrupted} (someone else interrupted the thread).
     */
    public Trap interruptedTrap(String detail) {
        if (interrupt != 0) {
            try {
                poll();
            } catch (Trap t) {
                return t;
            }
        }
        return new Trap(TrapKind.INTERRUPTED, detail);
    }

    /** Drops a pending interrupt that has not fired yet; any thread. */
    public void clearInterrupt() {
        synchronized (INTERRUPTS) {
            interrupt = 0;
            uncount();
        }
    }

    private void uncount() {
        if (counted != null) {
            Cleaner.Cleanable c = counted;
            counted = null;
            c.clean(); // runs uncountOne now, once; never again when the store is collected
        }
    }

    private static void uncountOne() {
        synchronized (INTERRUPTS) {
            if (--pendingStores == 0) {
                setPendingFlag(false);
            }
        }
    }

    private static void setPendingFlag(boolean value) { // holding INTERRUPTS
        PENDING_FLAG.setTarget(MethodHandles.constant(boolean.class, value));
        ARMED_FLAG.setTarget(MethodHandles.constant(boolean.class, value || fuelEverEnabled));
        MutableCallSite.syncAll(new MutableCallSite[] {PENDING_FLAG, ARMED_FLAG});
    }

    public final long maxMemoryBytes;
    public final long maxTableElements;
    public final int maxInstances;
    public int instanceCount;

    /** The embedder's object for the owning store (a {@code Store<T>}); host calls get it through {@code Caller}. */
    public Object owner;

    public StoreState(int maxDepth, long maxMemoryBytes, long maxTableElements, int maxInstances) {
        this.maxDepth = maxDepth;
        this.frames = new FunctionInstance[initialFrames(64, maxDepth)];
        this.framePcs = new int[frames.length];
        this.maxMemoryBytes = maxMemoryBytes;
        this.maxTableElements = maxTableElements;
        this.maxInstances = maxInstances;
    }

    /**
     * One execution stack's state: the value stack, its top and the frame records with the call depth. Code that
     * runs several Wasm call stacks on one store, taking turns on different Java threads (the component model's
     * cooperative threads), gives each its own and swaps them with {@link #swapExecutionStack} when control passes.
     */
    public static final class ExecutionStack {
        long[] stack = new long[64];
        long[] his = new long[64];
        Object[] refs = new Object[64];
        int top;
        FunctionInstance[] frames;
        int[] framePcs;
        int depth;

        /** An empty stack for a store whose call depth limit is {@code maxDepth}. */
        public ExecutionStack(int maxDepth) {
            frames = new FunctionInstance[initialFrames(16, maxDepth)];
            framePcs = new int[frames.length];
        }

        private ExecutionStack() {
        }
    }

    /**
     * The first frame array's length: depths 0 (the host) to {@code maxDepth} fit, and no more, so that a call
     * beyond the limit always takes {@link #enter}'s growth path, where the limit is checked.
     */
    private static int initialFrames(int wanted, int maxDepth) {
        return (int) Math.min(wanted, (long) maxDepth + 1);
    }

    /** Installs {@code next} as the current execution stack and returns the one it replaces (its state saved). */
    public ExecutionStack swapExecutionStack(ExecutionStack next) {
        ExecutionStack prev = new ExecutionStack();
        prev.stack = stack;
        prev.his = his;
        prev.refs = refs;
        prev.top = top;
        prev.frames = frames;
        prev.framePcs = framePcs;
        prev.depth = depth;
        stack = next.stack;
        his = next.his;
        refs = next.refs;
        top = next.top;
        frames = next.frames;
        framePcs = next.framePcs;
        depth = next.depth;
        return prev;
    }

    /** Makes room for {@code slots} values from {@code base}. */
    public void ensureStack(int needed) {
        if (needed <= stack.length) {
            return;
        }
        long want = Math.max((long) stack.length * 2, (long) needed + 64);
        if (want > Integer.MAX_VALUE - 16) {
            throw new Trap(TrapKind.CALL_STACK_EXHAUSTED);
        }
        try {
            stack = Arrays.copyOf(stack, (int) want);
            his = Arrays.copyOf(his, (int) want);
            refs = Arrays.copyOf(refs, (int) want);
        } catch (OutOfMemoryError e) {
            throw new Trap(TrapKind.CALL_STACK_EXHAUSTED);
        }
    }

    /**
     * The interpreter's entry into {@code f}: records the frame (for backtraces) and traps when the call depth limit
     * is reached. The slot is written only when it holds another function: recursion and loops that call the same
     * function at the same depth then cost a load instead of a reference store (with the collector's write barrier).
     */
    public void enter(FunctionInstance f) {
        int d = ++depth;
        FunctionInstance[] fs = frames;
        if (d >= fs.length) {
            if (d > maxDepth) {
                depth--;
                throw new Trap(TrapKind.CALL_STACK_EXHAUSTED);
            }
            // Compiled code calling through the runtime sets the depth to its own, which may jump past the array.
            frames = fs = Arrays.copyOf(fs, (int) Math.min(Math.max(fs.length * 2L, d + 1L), maxDepth + 1L));
            framePcs = Arrays.copyOf(framePcs, fs.length);
        }
        if (fs[d] != f) {
            fs[d] = f;
        }
    }

    /** {@link #poll} as a hook for blocking operations (atomic waits), so interrupts and deadlines stop them. */
    public final Runnable poller = this::poll;

    /** Called when fuel went negative or an interrupt is pending: raises the matching trap. */
    public void poll() {
        if (interrupt != 0) {
            int i;
            synchronized (INTERRUPTS) {
                i = interrupt;
                interrupt = 0;
                uncount();
            }
            if (i != 0) {
                throw new Trap(TrapKind.values()[i - 1]);
            }
        }
        if (fuel < 0) {
            fuel = 0;
            throw new Trap(TrapKind.OUT_OF_FUEL);
        }
    }

    /** Called by the interpreter for each of its frames that a trap unwinds through. */
    public void notePc(int depth, int pc) {
        if (depth >= 0 && depth < framePcs.length) {
            framePcs[depth] = pc;
        }
    }

    /** Innermost frames a backtrace lists at most. */
    private static final int BACKTRACE_LIMIT = 256;
    private static final String INTERPRETER_CLASS = "dev.basalt.internal.interpreter.Interpreter";
    private static final String EMBEDDER_CALL_CLASS = "dev.basalt.Calls";
    /** Compiled code's calls through the runtime, which set {@link #depth} to their caller's depth. */
    private static final String COMPILED_SUPPORT_CLASS = "dev.basalt.compiler.Support";

    /**
     * The Wasm frames that {@code t} unwound, innermost first, from the current depth down to {@code baseDepth}
     * (exclusive: the depth at which the embedder's call started), read from {@code t}'s JVM stack trace:
     * <ul>
     *   <li>A compiled activation is a run of JVM frames of its function's methods (split pieces, outlined loops)
     *       ending at its entry method ({@link GeneratedCode} says which function a generated frame belongs to). The
     *       innermost of them carries the position (trap or call) as its line number. A frame whose line says it
     *       has no activation ({@link CompiledFrames#NO_ACTIVATION_LINE}: not entered yet, or tail-called away) is skipped.
     *   <li>An interpreted activation is an {@code Interpreter.execute} frame; its function is in {@link #frames} at
     *       its depth and its position is the pc it noted while the trap unwound it ({@link #notePc}). An
     *       {@code execute} frame that only handed a tiered function to its compiled code ({@code TieredCode.invoke},
     *       the only method named {@code invoke} it calls) is no activation: the compiled one above it is.
     * </ul>
     * Compiled code records nothing per call: it passes its call depth room in a parameter, so {@link #depth} counts
     * only the runtime's frames. When the trap unwinds, {@code depth} is the depth of the innermost runtime frame of
     * the trace (the anchor): an interpreted activation (its own depth), or a compiled function's call through the
     * runtime or a tiered function's hand-over (the depth of the next activation outward). Activations inside the
     * anchor need no depth; from it outward each is one less deep, down to {@code baseDepth}. Without an anchor the
     * trace ends at the embedder's call.
     */
    public List<Trap.Frame> backtrace(Throwable t, int baseDepth) {
        List<Trap.Frame> out = new ArrayList<>();
        StackTraceElement[] st = t.getStackTrace();
        int d = depth;
        boolean anchored = false;
        CompiledFrames open = null; // a compiled activation whose entry method is still to come
        int openLine = 0;
        for (int j = 0; j < st.length && !(anchored && d <= baseDepth) && out.size() < BACKTRACE_LIMIT; j++) {
            StackTraceElement e = st[j];
            CompiledFrames c = GeneratedCode.functionOf(e);
            if (c != null) {
                if (open == null) {
                    if (!c.runs(e)) {
                        continue; // the wrapper of a tail-call body, which is the activation
                    }
                    open = c;
                    openLine = Math.max(0, e.getLineNumber());
                }
                if (c == open && c.isEntry(e)) {
                    if (openLine != CompiledFrames.NO_ACTIVATION_LINE) {
                        out.add(c.frame(c.offsetOfLine(openLine)));
                        if (anchored) {
                            d--;
                        }
                    }
                    open = null;
                }
            } else if (open == null) {
                if (isInterpreterActivation(e)) {
                    if (j > 0 && st[j - 1].getMethodName().equals("invoke")) {
                        anchored = true; // a hand-over: depth is the next activation's
                    } else {
                        anchored = true;
                        FunctionInstance f = d >= 0 && d < frames.length ? frames[d] : null;
                        if (f != null) {
                            out.add(f.frame(f.code instanceof CodeOffsets co ? co.byteOffset(framePcs[d]) : -1));
                        }
                        d--;
                    }
                } else if (e.getClassName().equals(COMPILED_SUPPORT_CLASS)
                        && (e.getMethodName().equals("invokeAtRoom") || e.getMethodName().equals("trampoline"))) {
                    anchored = true; // depth is the calling compiled activation's
                } else if (e.getMethodName().equals("run") && e.getClassName().equals(EMBEDDER_CALL_CLASS)) {
                    break; // where the embedder's call entered: frames below belong to an outer call
                }
            }
        }
        return out;
    }

    private static boolean isInterpreterActivation(StackTraceElement e) {
        return e.getMethodName().equals("execute") && e.getClassName().equals(INTERPRETER_CLASS);
    }
}
