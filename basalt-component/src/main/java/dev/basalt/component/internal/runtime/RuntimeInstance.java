package dev.basalt.component.internal.runtime;

import dev.basalt.Store;
import java.util.ArrayList;
import java.util.List;

/**
 * CanonicalABI.md {@code ComponentInstance}: the run-time state of one component instance — its handle table,
 * the {@code may_enter} flag that forbids reentrance (Component Invariant #2) and {@code may_leave}, cleared while
 * {@code realloc} and {@code post-return} run. {@code parent} is the instance whose {@code instance} definition
 * created this one (null for instances the host created).
 */
public final class RuntimeInstance {
    private final Store<?> store;
    private final RuntimeInstance parent;
    private final String name;
    public final HandleTable handles = new HandleTable();
    /** Core destructor functions of the resource types this instance defined (types without one are absent). */
    final java.util.IdentityHashMap<dev.basalt.component.ResourceType, dev.basalt.Func> destructors =
            new java.util.IdentityHashMap<>();
    static final int CONTEXT_SLOTS = 2;
    /** The component-model threads of the store (one scheduler per store). */
    final Scheduler sched;
    /** CanonicalABI.md {@code ComponentInstance.threads}: the threads of this instance's tasks by index. */
    final HandleTable threads = new HandleTable();
    /** {@code backpressure.inc/dec}: while positive, async calls wait before they start. */
    int backpressure;
    int numWaitingToEnter;
    /** The thread that has this instance to itself (a sync or callback-lifted async call running), if any. */
    CmThread exclusiveThread;
    boolean mayEnter = true;
    boolean mayLeave = true;

    public RuntimeInstance(Store<?> store, RuntimeInstance parent, String name) {
        this.store = store;
        this.parent = parent;
        this.name = name;
        this.sched = Scheduler.of(store);
    }

    public Store<?> store() {
        return store;
    }

    public RuntimeInstance parent() {
        return parent;
    }

    public void addDestructor(dev.basalt.component.ResourceType type, dev.basalt.Func dtor) {
        destructors.put(type, dtor);
    }

    public boolean mayLeave() {
        return mayLeave;
    }

    /** The instances entered when {@code caller} (null: the host) calls into this one. */
    List<RuntimeInstance> enteringSet(RuntimeInstance caller) {
        if (caller == null) {
            return selfAndAncestors();
        }
        List<RuntimeInstance> callerChain = caller.selfAndAncestors();
        List<RuntimeInstance> result = new ArrayList<>(4);
        for (RuntimeInstance i : selfAndAncestors()) {
            if (!callerChain.contains(i)) {
                result.add(i);
            }
        }
        return result;
    }

    /** This instance and its parents (fixed at construction: made once, on the first call). */
    private List<RuntimeInstance> selfAndAncestors;

    List<RuntimeInstance> selfAndAncestors() {
        List<RuntimeInstance> s = selfAndAncestors;
        if (s == null) {
            List<RuntimeInstance> chain = new ArrayList<>(4);
            for (RuntimeInstance i = this; i != null; i = i.parent) {
                chain.add(i);
            }
            s = List.copyOf(chain);
            selfAndAncestors = s;
        }
        return s;
    }

    /** The instance the host created at the top of this one's tree ({@link #parent} until there is none). */
    RuntimeInstance root() {
        List<RuntimeInstance> chain = selfAndAncestors();
        return chain.get(chain.size() - 1);
    }

    boolean mayEnterFrom(RuntimeInstance caller) {
        for (RuntimeInstance i : enteringSet(caller)) {
            if (!i.mayEnter) {
                return false;
            }
        }
        return true;
    }

    /**
     * Enters this instance from {@code caller}, trapping with "cannot enter component instance" if that would
     * reenter an instance already on the stack. Returns the entered set, to be given to {@link #leave}.
     */
    List<RuntimeInstance> enter(RuntimeInstance caller) {
        List<RuntimeInstance> set = enteringSet(caller);
        for (RuntimeInstance i : set) {
            Traps.trapIf(!i.mayEnter, Traps.CANNOT_ENTER);
        }
        for (RuntimeInstance i : set) {
            i.mayEnter = false;
        }
        return set;
    }

    /**
     * A component-to-component call between an instance and one of its ancestors (either way, or an instance and
     * itself) might reenter the caller, so it is refused as wasmtime does for now (the suite's
     * trap-on-reenter.wast: "for now, trap on parent-to-child" and child-to-parent; the newer CanonicalABI.md's
     * {@code call_might_be_recursive}). Calls between siblings, and from the host, are checked by the
     * {@code may_enter} flags alone. Checked by the lifted functions' calls (not by resource destructors).
     */
    List<RuntimeInstance> enterCall(RuntimeInstance caller) {
        Traps.trapIf(caller != null && (caller.selfAndAncestors().contains(this)
                || selfAndAncestors().contains(caller)), Traps.CANNOT_ENTER);
        return enter(caller);
    }

    static void leave(List<RuntimeInstance> entered) {
        for (RuntimeInstance i : entered) {
            i.mayEnter = true;
        }
    }

    @Override
    public String toString() {
        return "component instance " + name;
    }
}
