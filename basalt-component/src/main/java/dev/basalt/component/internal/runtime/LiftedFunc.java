package dev.basalt.component.internal.runtime;

import dev.basalt.Func;
import dev.basalt.component.ComponentFuncType;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * {@code canon lift} (CanonicalABI.md {@code Store.lift} and {@code canon_lift}, synchronous): enter the instance
 * (no reentrance), lower the arguments into the callee, call the core function, lift its results, check that every
 * borrow lowered into the callee was dropped, hand the results to the caller, then run post-return with
 * {@code may_leave} cleared. A trap leaves the entered instances unenterable: a trapped component instance is
 * not run again ("cannot enter component instance").
 */
public final class LiftedFunc implements FuncInst {
    private final Func core;
    private final ComponentFuncType type;
    private final AbiOptions opts;
    private final RuntimeInstance inst;
    private final CallPlan plan;
    private final FuncInst asyncForm;

    public LiftedFunc(Func core, ComponentFuncType type, AbiOptions opts, RuntimeInstance inst) {
        this(core, type, opts, inst, CallPlan.of(type));
    }

    /** With the call plan of {@code type} made already (an instantiation plan makes it once for every instance). */
    LiftedFunc(Func core, ComponentFuncType type, AbiOptions opts, RuntimeInstance inst, CallPlan plan) {
        this.core = core;
        this.type = type;
        this.opts = opts;
        this.inst = inst;
        this.plan = plan;
        // an async-typed function lifted synchronously may block: it runs as a task on its own thread
        this.asyncForm = type.async() ? AsyncAbi.lift(core, type, opts, false, null, inst) : null;
    }

    @Override
    public ComponentFuncType type() {
        return type;
    }

    @Override
    public OnCancel callAsync(RuntimeInstance caller, Supplier<Lifted> onStart, Consumer<Lifted> onResolve) {
        if (asyncForm != null) {
            return asyncForm.callAsync(caller, onStart, onResolve);
        }
        call(caller, onStart, onResolve);
        return c -> {
        };
    }

    @Override
    public void call(RuntimeInstance caller, Supplier<Lifted> onStart, Consumer<Lifted> onResolve) {
        if (asyncForm != null) {
            asyncForm.call(caller, onStart, onResolve);
            return;
        }
        List<RuntimeInstance> entered = inst.enterCall(caller);
        // each call runs on a fresh implicit thread (zeroed context storage, which post-return shares); a task of a
        // function type that is not async never blocks, so the thread runs inline
        Task task = new Task(inst);
        Scheduler sched = inst.sched;
        CmThread outer = sched.current;
        CmThread thread = new CmThread(sched, task, null, true);
        sched.current = thread;
        try {
            AbiContext cx = new AbiContext(opts, inst, task, null, caller == null);
            Lifted args = onStart.get();
            cx.hints = args.hints();
            long[] flatArgs;
            try {
                flatArgs = CanonicalAbi.lowerFlatValues(cx, plan.paramsFlat(), plan.paramTuple(), args.values(), null);
            } catch (dev.basalt.component.ComponentException e) {
                // a host value that does not match the type: the embedder's mistake, not the guest's; the instance
                // stays usable (handles already moved into it by earlier arguments stay there)
                RuntimeInstance.leave(entered);
                throw e;
            }
            long[] flatResults = core.callRaw(flatArgs);
            AbiContext rx = new AbiContext(opts, inst, task, null, caller == null);
            List<dev.basalt.component.ComponentValue> results = CanonicalAbi.liftFlatValues(rx, plan.resultsFlat(),
                    plan.resultTuple(), new CanonicalAbi.CoreValueIter(flatResults));
            Traps.trapIf(task.numBorrows > 0, Traps.BORROWS_REMAIN);
            onResolve.accept(new Lifted(results, rx.hints));
            task.state = Task.State.RESOLVED;
            if (opts.postReturn() != null) {
                inst.mayLeave = false;
                opts.postReturn().callRaw(flatResults);
                inst.mayLeave = true;
            }
            thread.unregisterInline();
        } finally {
            sched.current = outer;
        }
        RuntimeInstance.leave(entered);
    }
}
