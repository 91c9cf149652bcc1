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
 * The part of the async canonical ABI (CanonicalABI.md, 🔀) that runs without suspending: {@code canon lift ...
 * async} without a callback ("stackful"), whose core function returns its value through {@code canon task.return},
 * and {@code canon lower ... async}, whose callee returns before the lowered call does, so the call reports
 * {@code RETURNED} with the results written to memory. Basalt never suspends a call (there are no waitable sets,
 * streams, futures or threads); what would need to ({@code callback} lifts, the waitable-set, stream, future,
 * subtask and thread built-ins) is reported as not supported where it is defined or called.
 */
public final class AsyncAbi {
    /** CanonicalABI.md {@code MAX_FLAT_ASYNC_PARAMS}. */
    static final int MAX_FLAT_ASYNC_PARAMS = 4;
    /** {@code Subtask.State.RETURNED}: what an async-lowered call returns when the callee has already resolved. */
    static final int RETURNED = 2;

    private AsyncAbi() {
    }

    /** The async call running in a component instance: its task, type, options and where its result goes. */
    static final class AsyncTask {
        final Task task = new Task();
        final ComponentFuncType type;
        final AbiOptions opts;
        final Consumer<Lifted> onResolve;
        final boolean hostPeer;
        boolean resolved;

        AsyncTask(ComponentFuncType type, AbiOptions opts, Consumer<Lifted> onResolve, boolean hostPeer) {
            this.type = type;
            this.opts = opts;
            this.onResolve = onResolve;
            this.hostPeer = hostPeer;
        }
    }

    /** {@code flatten_functype(opts, ft, 'lift')} for an async lift without callback: no core results. */
    public static FuncType liftedType(ComponentFuncType ft) {
        var flatParams = CanonicalAbi.flattenTypes(ft.paramTypes(), CanonicalAbi.MAX_FLAT_PARAMS);
        return FuncType.of(flatParams == null ? List.of(NumType.I32) : CoreFuncs.toCore(flatParams), List.of());
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

    /** {@code canon lift $callee async} (no callback). */
    public static FuncInst lift(Func core, ComponentFuncType type, AbiOptions opts, RuntimeInstance inst) {
        return new AsyncLiftedFunc(core, type, opts, inst);
    }

    /**
     * {@code canon_lift} with {@code opts.async_} and no callback: the core callee gets the lowered arguments and
     * returns nothing; it must have called {@code task.return}, which hands the value to the caller, before it
     * returns (a task that ends unresolved traps, {@code Task.unregister_thread}).
     */
    private record AsyncLiftedFunc(Func core, ComponentFuncType type, AbiOptions opts, RuntimeInstance inst)
            implements FuncInst {
        @Override
        public void call(RuntimeInstance caller, Supplier<Lifted> onStart, Consumer<Lifted> onResolve) {
            List<RuntimeInstance> entered = inst.enter(caller);
            int[] savedContext = inst.context;
            inst.context = new int[RuntimeInstance.CONTEXT_SLOTS];
            AsyncTask task = new AsyncTask(type, opts, onResolve, caller == null);
            AbiContext cx = new AbiContext(opts, inst, task.task, null, caller == null);
            Lifted args = onStart.get();
            cx.hints = args.hints();
            long[] flatArgs;
            try {
                flatArgs = CanonicalAbi.lowerFlatValues(cx, CanonicalAbi.MAX_FLAT_PARAMS, args.values(),
                        type.paramTypes(), null);
            } catch (dev.basalt.component.ComponentException e) {
                // a host value that does not match the type: the embedder's mistake (as in LiftedFunc)
                inst.context = savedContext;
                RuntimeInstance.leave(entered);
                throw e;
            }
            AsyncTask outer = inst.asyncTask;
            inst.asyncTask = task;
            core.callRaw(flatArgs);
            inst.asyncTask = outer;
            Traps.trapIf(!task.resolved, "async-lifted export failed to produce a result: its core function "
                    + "returned without calling task.return");
            inst.context = savedContext;
            RuntimeInstance.leave(entered);
        }
    }

    /**
     * {@code canon task.return (result $t)? $opts}: lifts the value from the core parameters (at most
     * {@code MAX_FLAT_PARAMS} flat values, else a pointer) and resolves the instance's current async task with it.
     */
    public static Func taskReturn(Store<?> store, Optional<ValueType> result, AbiOptions opts, RuntimeInstance inst) {
        List<ValueType> types = result.map(List::of).orElse(List.of());
        var flat = CanonicalAbi.flattenTypes(types, CanonicalAbi.MAX_FLAT_PARAMS);
        FuncType coreType = FuncType.of(flat == null ? List.of(NumType.I32) : CoreFuncs.toCore(flat), List.of());
        return Func.create(store, coreType, "task.return", (caller, args) -> {
            Traps.trapIf(!inst.mayLeave, Traps.CANNOT_LEAVE);
            AsyncTask task = inst.asyncTask;
            Traps.trapIf(task == null, "task.return called outside an async-lifted function (only `canon lift "
                    + "... async` returns through task.return)");
            Traps.trapIf(!task.type.result().equals(result) || task.opts.encoding() != opts.encoding()
                    || task.opts.memory() != opts.memory(), "invalid `task.return` signature and/or options for "
                    + "current task");
            AbiContext cx = new AbiContext(opts, inst, task.task, null, task.hostPeer);
            List<ComponentValue> values = CanonicalAbi.liftFlatValues(cx, CanonicalAbi.MAX_FLAT_PARAMS,
                    new CanonicalAbi.CoreValueIter(CoreFuncs.toLongs(args)), types);
            // Task.return_
            Traps.trapIf(task.resolved, "task.return called more than once by the current task");
            Traps.trapIf(task.task.numBorrows > 0, Traps.BORROWS_REMAIN);
            task.resolved = true;
            task.onResolve.accept(new Lifted(values, cx.hints));
            return new Val[0];
        });
    }

    /**
     * {@code canon lower $callee async}: arguments lifted from at most {@code MAX_FLAT_ASYNC_PARAMS} flat values
     * (else through a pointer), the callee called, and since it always resolves before returning here, its result
     * stored at the result pointer (the last parameter) and {@code RETURNED} returned, without a subtask handle.
     */
    public static Func lower(Store<?> store, FuncInst callee, AbiOptions opts, RuntimeInstance inst, String name) {
        ComponentFuncType ft = callee.type();
        FuncType coreType = loweredType(ft);
        boolean hostPeer = callee instanceof HostFunc;
        return Func.create(store, coreType, name, (caller, args) -> {
            Traps.trapIf(!inst.mayLeave, Traps.CANNOT_LEAVE);
            CanonicalAbi.CoreValueIter flatArgs = new CanonicalAbi.CoreValueIter(CoreFuncs.toLongs(args));
            Subtask subtask = new Subtask();
            boolean[] resolved = new boolean[1];
            callee.call(inst, () -> {
                AbiContext cx = new AbiContext(opts, inst, null, subtask, hostPeer);
                List<ComponentValue> values = CanonicalAbi.liftFlatValues(cx, MAX_FLAT_ASYNC_PARAMS, flatArgs,
                        ft.paramTypes());
                return new Lifted(values, cx.hints);
            }, result -> {
                AbiContext cx = new AbiContext(opts, inst, null, subtask, hostPeer);
                cx.hints = result.hints();
                // max_flat_results = 0: a result always goes to memory at the pointer after the arguments
                CanonicalAbi.lowerFlatValues(cx, 0, result.values(), ft.resultTypes(), flatArgs);
                resolved[0] = true;
            });
            if (!resolved[0]) {
                throw new IllegalStateException("callee " + callee + " returned without resolving");
            }
            subtask.deliverResolve();
            return new Val[] {Val.i32(RETURNED)};
        });
    }
}
