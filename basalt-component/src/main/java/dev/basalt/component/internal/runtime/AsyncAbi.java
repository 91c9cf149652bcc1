package dev.basalt.component.internal.runtime;

import dev.basalt.Func;
import dev.basalt.FuncType;
import dev.basalt.Store;
import dev.basalt.Val;
import dev.basalt.component.ComponentFuncType;
import dev.basalt.component.ComponentValue;
import dev.basalt.component.ValueType;
import dev.basalt.wasm.NumType;
import dev.basalt.wasm.ValType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The async canonical ABI (CanonicalABI.md, 🔀): {@code canon lift} of async-typed functions (synchronously,
 * {@code async} stackful, or {@code async} with a {@code callback}), {@code canon lower ... async} with subtasks,
 * and {@code task.return}. The tasks run on {@link CmThread}s; see {@link Scheduler}.
 */
public final class AsyncAbi {
    /** CanonicalABI.md {@code MAX_FLAT_ASYNC_PARAMS}. */
    static final int MAX_FLAT_ASYNC_PARAMS = 4;

    private AsyncAbi() {
    }

    /** {@code flatten_functype(opts, ft, 'lift')} for an async lift: no core results (callback: one i32). */
    public static FuncType liftedType(ComponentFuncType ft, boolean callback) {
        var flatParams = CanonicalAbi.flattenTypes(ft.paramTypes(), CanonicalAbi.MAX_FLAT_PARAMS);
        return FuncType.of(flatParams == null ? List.of(NumType.I32) : CoreFuncs.toCore(flatParams),
                callback ? List.of(NumType.I32) : List.of());
    }

    /** {@code flatten_functype(opts, ft, 'lower')} for an async lower: results through memory, an i32 status. */
    public static FuncType loweredType(ComponentFuncType ft) {
        var flatParams = CanonicalAbi.flattenTypes(ft.paramTypes(), MAX_FLAT_ASYNC_PARAMS);
        List<ValType> params = new ArrayList<>(flatParams == null ? List.of(NumType.I32) : CoreFuncs.toCore(flatParams));
        if (ft.result().isPresent()) {
            params.add(NumType.I32);
        }
        return FuncType.of(params, List.of(NumType.I32));
    }

    /** {@code canon lift $callee} of an async-typed function ({@code asyncOpts}: with the async option). */
    public static FuncInst lift(Func core, ComponentFuncType type, AbiOptions opts, boolean asyncOpts, Func callback,
            RuntimeInstance inst) {
        return new AsyncLiftedFunc(core, type, opts, asyncOpts, callback, inst);
    }

    /** Callback codes ({@code CallbackCode}). */
    private static final int EXIT = 0, YIELD = 1, WAIT = 2;

    /** {@code Store.lift} + {@code canon_lift} for tasks that may block. */
    private record AsyncLiftedFunc(Func core, ComponentFuncType type, AbiOptions opts, boolean asyncOpts,
            Func callback, RuntimeInstance inst) implements FuncInst {

        /** Called where the caller cannot wait (the host): runs the store's event loop until the call resolves. */
        @Override
        public void call(RuntimeInstance caller, Supplier<Lifted> onStart, Consumer<Lifted> onResolve) {
            FuncInst.callToResolution(this, inst.sched, caller, onStart, onResolve);
        }

        @Override
        public OnCancel callAsync(RuntimeInstance caller, Supplier<Lifted> onStart, Consumer<Lifted> onResolve) {
            List<RuntimeInstance> entered = inst.enterCall(caller);
            Task task = new Task(type, opts, asyncOpts, callback, inst, onStart, onResolve);
            boolean hostPeer = caller == null;
            CmThread[] thread = new CmThread[1];
            thread[0] = new CmThread(inst.sched, task, () -> run(task, thread[0], hostPeer), false);
            thread[0].resume(false);
            RuntimeInstance.leave(entered);
            return task::requestCancellation;
        }

        private void run(Task task, CmThread thread, boolean hostPeer) {
            if (!task.enterImplicitThread(thread)) {
                return;
            }
            AbiContext cx = new AbiContext(opts, inst, task, null, hostPeer);
            Lifted args = task.start();
            cx.hints = args.hints();
            long[] flatArgs = CanonicalAbi.lowerFlatValues(cx, CanonicalAbi.MAX_FLAT_PARAMS, args.values(),
                    type.paramTypes(), null);
            if (!asyncOpts) {
                long[] flatResults = core.callRaw(flatArgs);
                AbiContext rx = new AbiContext(opts, inst, task, null, hostPeer);
                List<ComponentValue> results = CanonicalAbi.liftFlatValues(rx, CanonicalAbi.MAX_FLAT_RESULTS,
                        new CanonicalAbi.CoreValueIter(flatResults), type.resultTypes());
                task.returnValue(new Lifted(results, rx.hints));
                if (opts.postReturn() != null) {
                    inst.mayLeave = false;
                    opts.postReturn().callRaw(flatResults);
                    inst.mayLeave = true;
                }
                task.exitImplicitThread();
                return;
            }
            if (callback == null) {
                core.callRaw(flatArgs);
                task.exitImplicitThread();
                return;
            }
            int packed = (int) core.callRaw(flatArgs)[0];
            while (true) {
                int code = packed & 0xf;
                Traps.trapIf(code > WAIT, "unsupported callback code: " + code);
                if (code == EXIT) {
                    break;
                }
                inst.exclusiveThread = null;
                Waitable.Event event;
                if (code == YIELD) {
                    boolean cancelled = thread.waitUntil(() -> inst.exclusiveThread == null, true);
                    event = new Waitable.Event(cancelled ? Waitable.TASK_CANCELLED : Waitable.NONE, 0, 0);
                } else {
                    if (!(inst.handles.getAny(packed >>> 4) instanceof Waitable.Set wset)) {
                        throw Traps.trap("handle index " + (packed >>> 4) + " is not a waitable set");
                    }
                    event = wset.waitForEventAnd(thread, () -> inst.exclusiveThread == null, true);
                }
                inst.exclusiveThread = thread;
                packed = (int) callback.callRaw(event.code(), Integer.toUnsignedLong(event.p1()),
                        Integer.toUnsignedLong(event.p2()))[0];
            }
            task.exitImplicitThread();
        }
    }

    /**
     * {@code canon task.return (result $t)? $opts}: lifts the value from the core parameters (at most
     * {@code MAX_FLAT_PARAMS} flat values, else a pointer) and resolves the current task with it.
     */
    public static Func taskReturn(Store<?> store, Optional<ValueType> result, AbiOptions opts, RuntimeInstance inst) {
        List<ValueType> types = result.map(List::of).orElse(List.of());
        var flat = CanonicalAbi.flattenTypes(types, CanonicalAbi.MAX_FLAT_PARAMS);
        FuncType coreType = FuncType.of(flat == null ? List.of(NumType.I32) : CoreFuncs.toCore(flat), List.of());
        return Func.create(store, coreType, "task.return", (caller, args) -> {
            Traps.trapIf(!inst.mayLeave, Traps.CANNOT_LEAVE);
            Task task = inst.sched.current().task;
            Traps.trapIf(task.ft == null || !task.asyncOpts, "task.return called outside an async-lifted function "
                    + "(only `canon lift ... async` returns through task.return)");
            // A task.return without a memory option lifts nothing from memory, so only a memory it does name
            // must be the lift's (as wasmtime compares; the suite's callback lifts name a memory their
            // task.return does not).
            Traps.trapIf(!task.ft.result().equals(result) || task.opts.encoding() != opts.encoding()
                    || (opts.memory() != null && task.opts.memory() != opts.memory()),
                    "invalid `task.return` signature and/or options for current task");
            AbiContext cx = new AbiContext(opts, inst, task, null, false);
            List<ComponentValue> values = CanonicalAbi.liftFlatValues(cx, CanonicalAbi.MAX_FLAT_PARAMS,
                    new CanonicalAbi.CoreValueIter(CoreFuncs.toLongs(args)), types);
            task.returnValue(new Lifted(values, cx.hints));
            return new Val[0];
        });
    }

    /** {@code canon task.cancel}. */
    public static Func taskCancel(Store<?> store, RuntimeInstance inst) {
        return Func.create(store, FuncType.of(List.of(), List.of()), "task.cancel", (caller, args) -> {
            Traps.trapIf(!inst.mayLeave, Traps.CANNOT_LEAVE);
            Task task = inst.sched.current().task;
            Traps.trapIf(task.ft == null || !task.asyncOpts, "task.cancel called outside an async-lifted function");
            task.cancel();
            return new Val[0];
        });
    }

    /**
     * {@code canon lower $callee} ({@code async}: the async form, arguments through at most
     * {@code MAX_FLAT_ASYNC_PARAMS} flat values and results through memory, returning the subtask's state and
     * handle). The synchronous form waits for a callee that blocked.
     */
    public static Func lower(Store<?> store, FuncInst callee, AbiOptions opts, RuntimeInstance inst, String name) {
        ComponentFuncType ft = callee.type();
        FuncType coreType = loweredType(ft);
        boolean hostPeer = callee instanceof HostFunc;
        return Func.create(store, coreType, name, (caller, args) -> {
            Traps.trapIf(!inst.mayLeave, Traps.CANNOT_LEAVE);
            CmThread thread = inst.sched.current();
            CanonicalAbi.CoreValueIter flatArgs = new CanonicalAbi.CoreValueIter(CoreFuncs.toLongs(args));
            Subtask subtask = new Subtask();
            Runnable[] onProgress = {() -> {
            }};
            subtask.onCancel = callee.callAsync(inst, () -> {
                onProgress[0].run();
                subtask.state = Subtask.STARTED;
                AbiContext cx = new AbiContext(opts, inst, null, subtask, hostPeer);
                List<ComponentValue> values = CanonicalAbi.liftFlatValues(cx, MAX_FLAT_ASYNC_PARAMS, flatArgs,
                        ft.paramTypes());
                return new Lifted(values, cx.hints);
            }, result -> {
                onProgress[0].run();
                if (result == null) {
                    subtask.resolve(subtask.state == Subtask.STARTING ? Subtask.CANCELLED_BEFORE_STARTED
                            : Subtask.CANCELLED_BEFORE_RETURNED, new long[0]);
                    return;
                }
                AbiContext cx = new AbiContext(opts, inst, null, subtask, hostPeer);
                cx.hints = result.hints();
                // max_flat_results = 0: a result always goes to memory at the pointer after the arguments
                CanonicalAbi.lowerFlatValues(cx, 0, result.values(), ft.resultTypes(), flatArgs);
                subtask.resolve(Subtask.RETURNED, new long[0]);
            });
            if (subtask.resolved()) {
                subtask.deliverResolve();
                return new Val[] {Val.i32(Subtask.RETURNED)};
            }
            int index = inst.handles.add(subtask);
            onProgress[0] = () -> subtask.setPendingEvent(() -> {
                if (subtask.resolved()) {
                    subtask.deliverResolve();
                }
                return new Waitable.Event(Waitable.SUBTASK, index, subtask.state);
            });
            Traps.trapIf(thread == null, "no current thread");
            return new Val[] {Val.i32(subtask.state | (index << 4))};
        });
    }
}
