package dev.basalt.component.internal.runtime;

import dev.basalt.Func;
import dev.basalt.FuncType;
import dev.basalt.Store;
import dev.basalt.Val;
import dev.basalt.component.ComponentFuncType;
import dev.basalt.component.ResourceType;
import dev.basalt.wasm.NumType;
import dev.basalt.wasm.ValType;
import java.util.ArrayList;
import java.util.List;

/**
 * The core functions a component instance defines with {@code canon}: lowered component functions
 * ({@code canon_lower}) and the resource built-ins ({@code canon_resource_new/drop/rep}), each bound to the store
 * and to the instance whose handle table it uses.
 */
public final class CoreFuncs {
    private CoreFuncs() {
    }

    /** {@code flatten_functype(opts, ft, 'lower')}. */
    static FuncType loweredType(ComponentFuncType ft) {
        var flatParams = CanonicalAbi.flattenTypes(ft.paramTypes(), CanonicalAbi.MAX_FLAT_PARAMS);
        var flatResults = CanonicalAbi.flattenTypes(ft.resultTypes(), CanonicalAbi.MAX_FLAT_RESULTS);
        List<ValType> params = flatParams == null ? List.of(NumType.I32) : toCore(flatParams);
        List<ValType> results = flatResults == null ? List.of() : toCore(flatResults);
        if (flatResults == null) {
            params = new ArrayList<>(params);
            params.add(NumType.I32);
        }
        return FuncType.of(params, results);
    }

    /** {@code flatten_functype(opts, ft, 'lift')}: the type a lifted core function must have. */
    public static FuncType liftedType(ComponentFuncType ft) {
        var flatParams = CanonicalAbi.flattenTypes(ft.paramTypes(), CanonicalAbi.MAX_FLAT_PARAMS);
        var flatResults = CanonicalAbi.flattenTypes(ft.resultTypes(), CanonicalAbi.MAX_FLAT_RESULTS);
        List<ValType> params = flatParams == null ? List.of(NumType.I32) : toCore(flatParams);
        List<ValType> results = flatResults == null ? List.of(NumType.I32) : toCore(flatResults);
        return FuncType.of(params, results);
    }

    static List<ValType> toCore(List<CanonicalAbi.CoreType> flat) {
        List<ValType> r = new ArrayList<>(flat.size());
        for (CanonicalAbi.CoreType t : flat) {
            r.add(switch (t) {
                case I32 -> NumType.I32;
                case I64 -> NumType.I64;
                case F32 -> NumType.F32;
                case F64 -> NumType.F64;
            });
        }
        return r;
    }

    static long[] toLongs(Val[] args) {
        long[] r = new long[args.length];
        for (int i = 0; i < args.length; i++) {
            r[i] = switch (args[i]) {
                case Val.I32 v -> Integer.toUnsignedLong(v.value());
                case Val.I64 v -> v.value();
                case Val.F32 v -> Integer.toUnsignedLong(v.bits());
                case Val.F64 v -> v.bits();
                default -> throw new IllegalStateException("not a number: " + args[i]);
            };
        }
        return r;
    }

    static Val[] toVals(long[] flat, List<ValType> types) {
        Val[] r = new Val[flat.length];
        for (int i = 0; i < flat.length; i++) {
            r[i] = switch ((NumType) types.get(i)) {
                case I32 -> new Val.I32((int) flat[i]);
                case I64 -> new Val.I64(flat[i]);
                case F32 -> new Val.F32((int) flat[i]);
                case F64 -> new Val.F64(flat[i]);
                default -> throw new IllegalStateException();
            };
        }
        return r;
    }

    /** {@code canon lower}: a core function that calls {@code callee} from {@code inst}. */
    public static Func lower(Store<?> store, FuncInst callee, AbiOptions opts, RuntimeInstance inst, String name) {
        return lower(store, callee, opts, inst, name, loweredType(callee.type()), null);
    }

    /**
     * {@code canon lower} with the flattened core type {@code coreType} of the callee's type computed already, and
     * its call plan ({@code callPlan}; null: made here).
     */
    static Func lower(Store<?> store, FuncInst callee, AbiOptions opts, RuntimeInstance inst, String name,
            FuncType coreType, CallPlan callPlan) {
        CallPlan plan = callPlan != null ? callPlan : CallPlan.of(callee.type());
        boolean hostPeer = callee instanceof HostFunc;
        return Func.create(store, coreType, name, (caller, args) -> {
            Traps.trapIf(!inst.mayLeave, Traps.CANNOT_LEAVE);
            CanonicalAbi.CoreValueIter flatArgs = new CanonicalAbi.CoreValueIter(toLongs(args));
            CmThread current = inst.sched.current;
            // a task that may not block cannot call a function of an async type synchronously (it might block)
            Traps.trapIf(callee.type().async() && current != null && !current.task.mayBlock(),
                    CmThread.CANNOT_BLOCK_SYNC);
            Subtask subtask = new Subtask();
            long[][] out = new long[1][];
            subtask.onCancel = callee.callAsync(inst, () -> {
                subtask.state = Subtask.STARTED;
                AbiContext cx = new AbiContext(opts, inst, null, subtask, hostPeer);
                List<dev.basalt.component.ComponentValue> values = CanonicalAbi.liftFlatValues(cx, plan.paramsFlat(),
                        plan.paramTuple(), flatArgs);
                return new Lifted(values, cx.hints);
            }, result -> {
                AbiContext cx = new AbiContext(opts, inst, null, subtask, hostPeer);
                cx.hints = result.hints();
                out[0] = CanonicalAbi.lowerFlatValues(cx, plan.resultsFlat(), plan.resultTuple(), result.values(),
                        flatArgs);
                subtask.state = Subtask.RETURNED;
            });
            if (!subtask.resolved()) {
                // an async callee blocked: this thread waits for it (only tasks of async types may)
                inst.sched.current().waitUntil(subtask::resolved, false);
            }
            subtask.deliverResolve();
            if (out[0] == null) {
                throw new IllegalStateException("callee " + callee + " returned without results");
            }
            return toVals(out[0], coreType.results());
        });
    }

    /** {@code canon resource.new}. */
    public static Func resourceNew(Store<?> store, ResourceType rt, RuntimeInstance inst) {
        return Func.create(store, FuncType.of(List.of(NumType.I32), List.of(NumType.I32)), "resource.new", (c, args) -> {
            Traps.trapIf(!inst.mayLeave, Traps.CANNOT_LEAVE);
            int rep = ((Val.I32) args[0]).value();
            return new Val[] {Val.i32(inst.handles.add(new HandleEntry(rt, rep, true, null)))};
        });
    }

    /** {@code canon resource.drop}: an owned handle runs the destructor (entering its instance), a borrow is returned. */
    public static Func resourceDrop(Store<?> store, ResourceType rt, RuntimeInstance inst) {
        return Func.create(store, FuncType.of(List.of(NumType.I32), List.of()), "resource.drop", (c, args) -> {
            Traps.trapIf(!inst.mayLeave, Traps.CANNOT_LEAVE);
            int i = ((Val.I32) args[0]).value();
            HandleEntry h = inst.handles.remove(i);
            CanonicalAbi.checkHandleType(i, h, rt);
            Traps.trapIf(h.numLends != 0, Traps.LENT);
            if (h.own) {
                destroy(rt, h.rep, inst);
            } else {
                h.borrowScope.numBorrows--;
            }
            return new Val[0];
        });
    }

    /** {@code canon resource.rep}. */
    public static Func resourceRep(Store<?> store, ResourceType rt, RuntimeInstance inst) {
        return Func.create(store, FuncType.of(List.of(NumType.I32), List.of(NumType.I32)), "resource.rep", (c, args) -> {
            int i = ((Val.I32) args[0]).value();
            HandleEntry h = inst.handles.get(i);
            CanonicalAbi.checkHandleType(i, h, rt);
            return new Val[] {Val.i32(h.rep)};
        });
    }

    /**
     * Runs the destructor of resource {@code rep} of type {@code rt}, called from {@code caller} (null: the host).
     * A guest destructor is a call into the defining instance with the usual reentrance check.
     */
    public static void destroy(ResourceType rt, int rep, RuntimeInstance caller) {
        if (rt.owner() instanceof RuntimeInstance impl) {
            Func dtor = impl.destructors.get(rt);
            List<RuntimeInstance> entered = impl.enter(caller);
            if (dtor != null) {
                dtor.callRaw(Integer.toUnsignedLong(rep));
            }
            RuntimeInstance.leave(entered);
        } else {
            rt.destructor().ifPresent(d -> d.accept(rep));
        }
    }
}
