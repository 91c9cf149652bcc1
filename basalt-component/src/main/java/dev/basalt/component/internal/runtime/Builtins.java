package dev.basalt.component.internal.runtime;

import dev.basalt.Func;
import dev.basalt.FuncType;
import dev.basalt.Memory;
import dev.basalt.Store;
import dev.basalt.Val;
import dev.basalt.wasm.NumType;
import dev.basalt.wasm.ValType;
import java.util.List;

/**
 * The async and thread built-ins of CanonicalABI.md ("Canonical Definitions", 🔀 🧵) that manage tasks, threads,
 * waitable sets and subtasks, each following its Python definition. Streams and futures are in {@link Streams}.
 */
final class Builtins {
    private Builtins() {
    }

    interface Body {
        long[] apply(long[] args);
    }

    static Func fn(Store<?> store, List<? extends ValType> params, List<? extends ValType> results, String name,
            Body body) {
        FuncType type = FuncType.of(List.copyOf(params), List.copyOf(results));
        return Func.create(store, type, name, (caller, args) -> {
            long[] r = body.apply(CoreFuncs.toLongs(args));
            return CoreFuncs.toVals(r, type.results());
        });
    }

    static final List<NumType> NONE = List.of();
    static final List<NumType> I32 = List.of(NumType.I32);
    static final List<NumType> I32_I32 = List.of(NumType.I32, NumType.I32);
    static final long[] VOID = new long[0];

    static long[] one(long v) {
        return new long[] {v};
    }

    static void checkMayLeave(RuntimeInstance inst) {
        Traps.trapIf(!inst.mayLeave, Traps.CANNOT_LEAVE);
    }

    static Waitable.Set waitableSet(RuntimeInstance inst, long i) {
        if (inst.handles.getAny((int) i) instanceof Waitable.Set s) {
            return s;
        }
        throw Traps.trap("handle index " + i + " is not a waitable set");
    }

    static Waitable waitable(RuntimeInstance inst, long i) {
        if (inst.handles.getAny((int) i) instanceof Waitable w) {
            return w;
        }
        throw Traps.trap("handle index " + i + " is not a waitable");
    }

    static Subtask subtask(RuntimeInstance inst, long i) {
        if (inst.handles.getAny((int) i) instanceof Subtask s) {
            return s;
        }
        throw Traps.trap("handle index " + i + " is not a subtask");
    }

    static Func contextGet(Store<?> store, RuntimeInstance inst, NumType t, int slot) {
        return fn(store, NONE, List.of(t), "context.get", a -> one(inst.sched.current().storage[slot]));
    }

    static Func contextSet(Store<?> store, RuntimeInstance inst, NumType t, int slot) {
        return fn(store, List.of(t), NONE, "context.set", a -> {
            inst.sched.current().storage[slot] = t == NumType.I32 ? a[0] & 0xffff_ffffL : a[0];
            return VOID;
        });
    }

    static Func backpressure(Store<?> store, RuntimeInstance inst, int delta) {
        return fn(store, NONE, NONE, delta > 0 ? "backpressure.inc" : "backpressure.dec", a -> {
            long next = inst.backpressure + delta;
            Traps.trapIf(next < 0 || next > 0xffff, "backpressure counter out of range");
            inst.backpressure = (int) next;
            return VOID;
        });
    }

    static Func waitableSetNew(Store<?> store, RuntimeInstance inst) {
        return fn(store, NONE, I32, "waitable-set.new", a -> {
            checkMayLeave(inst);
            return one(inst.handles.add(new Waitable.Set()));
        });
    }

    static long[] unpackEvent(Memory mem, long ptr, Waitable.Event e) {
        Traps.trapIf(ptr % 4 != 0, Traps.UNALIGNED);
        Traps.trapIf(ptr + 8 > mem.byteSize(), "pointer out of bounds of memory");
        mem.writeInt(ptr, e.p1());
        mem.writeInt(ptr + 4, e.p2());
        return one(e.code());
    }

    static Func waitableSetWait(Store<?> store, RuntimeInstance inst, boolean cancellable, Memory mem) {
        return fn(store, I32_I32, I32, "waitable-set.wait", a -> {
            checkMayLeave(inst);
            CmThread thread = inst.sched.current();
            Traps.trapIf(!thread.task.mayBlock(), CmThread.CANNOT_BLOCK_SYNC);
            Waitable.Set wset = waitableSet(inst, a[0]);
            Waitable.Event e = wset.waitForEventAnd(thread, () -> true, cancellable);
            return unpackEvent(mem, a[1], e);
        });
    }

    static Func waitableSetPoll(Store<?> store, RuntimeInstance inst, boolean cancellable, Memory mem) {
        return fn(store, I32_I32, I32, "waitable-set.poll", a -> {
            checkMayLeave(inst);
            Waitable.Set wset = waitableSet(inst, a[0]);
            return unpackEvent(mem, a[1], wset.poll(inst.sched.current(), cancellable));
        });
    }

    static Func waitableSetDrop(Store<?> store, RuntimeInstance inst) {
        return fn(store, I32, NONE, "waitable-set.drop", a -> {
            checkMayLeave(inst);
            waitableSet(inst, a[0]);
            Waitable.Set wset = (Waitable.Set) inst.handles.getAny((int) a[0]);
            wset.drop();
            inst.handles.removeAny((int) a[0]);
            return VOID;
        });
    }

    static Func waitableJoin(Store<?> store, RuntimeInstance inst) {
        return fn(store, I32_I32, NONE, "waitable.join", a -> {
            checkMayLeave(inst);
            Waitable w = waitable(inst, a[0]);
            Traps.trapIf(w.hasSyncWaiter, TRANSFER_IN_SET);
            w.join(a[1] == 0 ? null : waitableSet(inst, a[1]));
            return VOID;
        });
    }

    static final long BLOCKED = 0xffff_ffffL;

    static Func subtaskCancel(Store<?> store, RuntimeInstance inst, boolean async) {
        return fn(store, I32, I32, "subtask.cancel", a -> {
            checkMayLeave(inst);
            CmThread thread = inst.sched.current();
            Traps.trapIf(!async && !thread.task.mayBlock(), CmThread.CANNOT_BLOCK_SYNC);
            Subtask subtask = subtask(inst, a[0]);
            Traps.trapIf(subtask.resolveDelivered(), "`subtask.cancel` called after terminal status delivered");
            Traps.trapIf(subtask.cancellationRequested, "`subtask.cancel` called twice");
            Traps.trapIf(subtask.inWaitableSet() && !async, TRANSFER_IN_SET);
            if (!subtask.resolved()) {
                subtask.cancellationRequested = true;
                subtask.onCancel.cancel(inst);
                if (!subtask.resolved()) {
                    if (!async) {
                        Traps.trapIf(!thread.task.mayBlock(), CmThread.CANNOT_BLOCK_SYNC);
                        subtask.waitForPendingEvent(thread);
                    } else {
                        return one(BLOCKED);
                    }
                }
            }
            subtask.getPendingEvent();
            return one(subtask.state);
        });
    }

    static final String TRANSFER_IN_SET = "waitable cannot be used synchronously while added to a waitable set";

    static Func subtaskDrop(Store<?> store, RuntimeInstance inst) {
        return fn(store, I32, NONE, "subtask.drop", a -> {
            checkMayLeave(inst);
            Subtask s = subtask(inst, a[0]);
            s.drop();
            inst.handles.removeAny((int) a[0]);
            return VOID;
        });
    }

    static Func threadYield(Store<?> store, RuntimeInstance inst, boolean cancellable) {
        return fn(store, NONE, I32, "thread.yield", a -> {
            checkMayLeave(inst);
            // a thread that may not block (a synchronous task's) goes on: yielding is then a no-op
            return one(inst.sched.current().yield_(cancellable) ? 1 : 0);
        });
    }

    static Func threadIndex(Store<?> store, RuntimeInstance inst) {
        return fn(store, NONE, I32, "thread.index", a -> {
            checkMayLeave(inst);
            CmThread cur = inst.sched.current();
            cur.registerInline();
            return one(cur.index);
        });
    }

    static CmThread thread(RuntimeInstance inst, long i) {
        if (inst.threads.getAny((int) i) instanceof CmThread t) {
            return t;
        }
        throw Traps.trap("unknown thread index " + i);
    }

    /** {@code thread.new-indirect}: a new suspended thread of the current task that calls {@code table[fi](c)}. */
    static Func threadNewIndirect(Store<?> store, RuntimeInstance inst, dev.basalt.Table table) {
        return fn(store, I32_I32, I32, "thread.new-indirect", a -> {
            checkMayLeave(inst);
            Object ref = table.get(a[0] & 0xffff_ffffL) instanceof Val.FuncRef fr ? fr.func() : null;
            Traps.trapIf(!(ref instanceof Func), "uninitialized element");
            Func f = (Func) ref;
            Traps.trapIf(!f.type().equals(FuncType.of(List.of(NumType.I32), List.of())), "indirect call type mismatch");
            CmThread cur = inst.sched.current();
            Task task = cur.task;
            cur.registerInline();
            long c = a[1];
            CmThread[] t = new CmThread[1];
            t[0] = new CmThread(inst.sched, task, () -> {
                f.callRaw(c);
                task.unregisterThread(t[0]);
            }, false);
            task.registerThread(t[0]);
            return one(t[0].index);
        });
    }

    static Func threadResumeLater(Store<?> store, RuntimeInstance inst) {
        return fn(store, I32, NONE, "thread.resume-later", a -> {
            checkMayLeave(inst);
            CmThread t = thread(inst, a[0]);
            Traps.trapIf(!t.suspended(), "thread is not suspended");
            t.resumeLater();
            return VOID;
        });
    }

    static Func threadSuspend(Store<?> store, RuntimeInstance inst, boolean cancellable) {
        return fn(store, NONE, I32, "thread.suspend", a -> {
            checkMayLeave(inst);
            return one(inst.sched.current().suspend(cancellable) ? 1 : 0);
        });
    }

    /** thread.{suspend,yield}-then-{resume,promote} (opcodes 0x2a..0x2d). */
    static Func threadSwitch(Store<?> store, RuntimeInstance inst, int opcode, boolean cancellable) {
        String name = switch (opcode) {
            case 0x2a -> "thread.suspend-then-resume";
            case 0x2b -> "thread.yield-then-resume";
            case 0x2c -> "thread.suspend-then-promote";
            default -> "thread.yield-then-promote";
        };
        return fn(store, I32, I32, name, a -> {
            checkMayLeave(inst);
            CmThread cur = inst.sched.current();
            CmThread other = thread(inst, a[0]);
            boolean r = switch (opcode) {
                case 0x2a -> {
                    Traps.trapIf(!other.suspended(), "thread is not suspended");
                    yield cur.suspendThenResume(cancellable, other);
                }
                case 0x2b -> {
                    Traps.trapIf(!other.suspended(), "thread is not suspended");
                    yield cur.yieldThenResume(cancellable, other);
                }
                case 0x2c -> cur.suspendThenPromote(cancellable, other);
                default -> cur.yieldThenPromote(cancellable, other);
            };
            return one(r ? 1 : 0);
        });
    }
}
