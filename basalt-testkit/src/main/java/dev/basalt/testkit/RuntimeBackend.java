package dev.basalt.testkit;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.Func;
import dev.basalt.FuncType;
import dev.basalt.Global;
import dev.basalt.Linker;
import dev.basalt.Memory;
import dev.basalt.Module;
import dev.basalt.Store;
import dev.basalt.Table;
import dev.basalt.Trap;
import dev.basalt.UnlinkableException;
import dev.basalt.Val;
import dev.basalt.WasmException;
import dev.basalt.wasm.GlobalType;
import dev.basalt.wasm.Limits;
import dev.basalt.wasm.MemoryType;
import dev.basalt.wasm.NumType;
import dev.basalt.spi.UnsupportedCodeException;
import dev.basalt.wasm.RefType;
import dev.basalt.wasm.TableType;
import dev.basalt.wasm.ValType;
import dev.basalt.wasm.WasmModule;
import dev.basalt.wasm.wast.WastValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs WAST scripts on Basalt's runtime (the interpreter, or the compiler): one {@link Store} and {@link Linker} per script, with
 * the spec harness module {@code spectest} defined in the linker.
 */
public final class RuntimeBackend implements ExecutionBackend {
    /** The interpreter ({@link Config.Strategy#INTERPRETER}). */
    public static final RuntimeBackend INSTANCE = new RuntimeBackend("interpreter", Config.Strategy.INTERPRETER);
    /** The compiler ({@link Config.Strategy#COMPILER}); modules it cannot translate yet are skipped, not passed. */
    public static final RuntimeBackend COMPILER = new RuntimeBackend("compiler", Config.Strategy.COMPILER);

    /**
     * Tiering ({@link Config.Strategy#AUTO}) made deterministic: every function is compiled when first called, on the
     * calling thread, and runs compiled from its second call on; what the compiler cannot translate stays
     * interpreted, so nothing is skipped. Checks that interpreted and compiled frames mix correctly.
     */
    public static final RuntimeBackend AUTO = new RuntimeBackend("auto", Config.Strategy.AUTO);

    private final String name;
    private final Config.Strategy strategy;
    private volatile Engine engine;

    private RuntimeBackend(String name, Config.Strategy strategy) {
        this.name = name;
        this.strategy = strategy;
    }

    /**
     * Created on first use, so that listing backends never needs the compiler on the class path. Synchronized:
     * scripts run on several threads at once, and two engines would leave a session's store and its components
     * on different ones.
     */
    private synchronized Engine engine() {
        Engine e = engine;
        if (e == null) {
            Config.Builder config = Config.builder().strategy(strategy);
            if (strategy == Config.Strategy.AUTO) {
                config.tierUpThreshold(1).compileInBackground(false);
            }
            e = Engine.create(config.build());
            engine = e;
        }
        return e;
    }

    @Override
    public java.util.Optional<String> unsupported(Throwable t) {
        return t instanceof UnsupportedCodeException u
                ? java.util.Optional.of(u.engine() + ": unsupported instruction " + u.instruction())
                : java.util.Optional.empty();
    }

    /** A host reference made by the script: {@code (ref.extern n)} / {@code (ref.host n)}; equal iff same n. */
    record HostRef(long id) {
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Session openSession() {
        return new RuntimeSession();
    }

    @Override
    public Failure classify(Throwable t) {
        if (t instanceof UnlinkableException) {
            return new Failure(FailureKind.UNLINKABLE, t.getMessage());
        }
        if (t instanceof WasmException) {
            return new Failure(FailureKind.EXCEPTION, t.getMessage());
        }
        if (t instanceof Trap) {
            return ExecutionBackend.super.classify(t);
        }
        return new Failure(FailureKind.OTHER, String.valueOf(t));
    }

    private final class RuntimeSession implements Session {
        private final Store<Void> store = Store.create(engine());
        private final Linker<Void> linker = Linker.create(engine());

        RuntimeSession() {
            defineSpectest();
        }

        private void defineSpectest() {
            printer("print");
            printer("print_i32", NumType.I32);
            printer("print_i64", NumType.I64);
            printer("print_f32", NumType.F32);
            printer("print_f64", NumType.F64);
            printer("print_i32_f32", NumType.I32, NumType.F32);
            printer("print_f64_f64", NumType.F64, NumType.F64);
            linker.define("spectest", "global_i32", Global.create(store, new GlobalType(NumType.I32, false), Val.i32(666)));
            linker.define("spectest", "global_i64", Global.create(store, new GlobalType(NumType.I64, false), Val.i64(666)));
            linker.define("spectest", "global_f32", Global.create(store, new GlobalType(NumType.F32, false), Val.f32(666.6f)));
            linker.define("spectest", "global_f64", Global.create(store, new GlobalType(NumType.F64, false), Val.f64(666.6)));
            linker.define("spectest", "table", Table.create(store, new TableType(RefType.FUNCREF, Limits.of(10, 20), false),
                    new Val.FuncRef(null)));
            linker.define("spectest", "table64", Table.create(store, new TableType(RefType.FUNCREF, Limits.of(10, 20), true),
                    new Val.FuncRef(null)));
            linker.define("spectest", "memory", Memory.create(store, new MemoryType(Limits.of(1, 2))));
            linker.define("spectest", "shared_memory", Memory.create(store,
                    new MemoryType(Limits.of(1, 1), true, false, MemoryType.DEFAULT_PAGE_SIZE_LOG2)));
        }

        private void printer(String name, ValType... params) {
            linker.defineHostFunction("spectest", name, FuncType.of(List.of(params), List.of()), (caller, args) -> new Val[0]);
        }

        @Override
        public Instance instantiate(WasmModule module, Optional<String> name) {
            Module m = Module.fromModel(engine(), module);
            return new RuntimeInstance(linker.instantiate(store, m));
        }

        @Override
        public void register(String as, Instance instance) {
            linker.defineInstance(as, ((RuntimeInstance) instance).instance);
        }

        @Override
        public ComponentTarget instantiateComponent(dev.basalt.component.model.Component model,
                                                    Optional<String> name) {
            // WastRunner validates every component before it instantiates one (it must, to report "does not
            // validate" apart from a failed instantiation), so it is not validated twice
            dev.basalt.component.Component component = dev.basalt.component.Component.fromValidatedModel(engine(),
                    model);
            dev.basalt.component.ComponentInstance instance = dev.basalt.component.ComponentLinker.<Void>create(
                    engine()).instantiate(store, component);
            return (export, args) -> {
                dev.basalt.component.ComponentFunc f = instance.getFunc(export).orElseThrow(
                        () -> new IllegalArgumentException("no exported function " + export));
                List<dev.basalt.component.ComponentValue> in = new ArrayList<>(args.size());
                for (WastValue a : args) {
                    in.add(ComponentValues.toRuntime(a));
                }
                List<WastValue> out = new ArrayList<>();
                for (dev.basalt.component.ComponentValue v : f.call(in)) {
                    out.add(ComponentValues.fromRuntime(v));
                }
                return out;
            };
        }
    }

    private record RuntimeInstance(dev.basalt.Instance instance) implements Instance {
        @Override
        public List<Value> invoke(String export, List<WastValue> args) {
            Func f = instance.getFunc(export).orElseThrow(() -> new IllegalArgumentException("no exported function " + export));
            Val[] in = new Val[args.size()];
            for (int i = 0; i < in.length; i++) {
                in[i] = toVal(args.get(i));
            }
            List<Value> out = new ArrayList<>();
            for (Val v : f.call(in)) {
                out.add(toValue(v));
            }
            return out;
        }

        @Override
        public Value get(String export) {
            Global g = instance.getGlobal(export).orElseThrow(() -> new IllegalArgumentException("no exported global " + export));
            return toValue(g.get());
        }
    }

    static Val toVal(WastValue v) {
        return switch (v) {
            case WastValue.I32 i -> Val.i32(i.value());
            case WastValue.I64 i -> Val.i64(i.value());
            case WastValue.F32 f -> new Val.F32(f.bits());
            case WastValue.F64 f -> new Val.F64(f.bits());
            case WastValue.Vec x -> new Val.V128(x.value().lo(), x.value().hi());
            case WastValue.RefNull n -> new Val.ExternRef(null);
            case WastValue.RefExtern e -> new Val.ExternRef(new HostRef(e.id()));
            case WastValue.RefHost h -> new Val.AnyRef(new HostRef(h.id()));
            default -> throw new IllegalArgumentException("a component value is not an argument of a core function: "
                    + ResultMatcher.describe(v));
        };
    }

    static Value toValue(Val v) {
        return switch (v) {
            case Val.I32 i -> new Value.I32(i.value());
            case Val.I64 i -> new Value.I64(i.value());
            case Val.F32 f -> new Value.F32(f.bits());
            case Val.F64 f -> new Value.F64(f.bits());
            case Val.V128 x -> new Value.Vec(new dev.basalt.wasm.V128(x.lo(), x.hi()));
            case Val.FuncRef f -> f.isNull() ? new Value.Null() : Value.Ref.of(Value.RefKind.FUNC);
            case Val.ExnRef e -> e.isNull() ? new Value.Null() : Value.Ref.of(Value.RefKind.EXN);
            case Val.ExternRef e -> e.isNull() ? new Value.Null()
                    : e.value() instanceof HostRef h ? Value.Ref.host(Value.RefKind.EXTERN, h.id())
                    : Value.Ref.of(Value.RefKind.EXTERN);
            case Val.AnyRef a -> {
                if (a.isNull()) {
                    yield new Value.Null();
                }
                yield switch (a.kind().orElseThrow()) {
                    case I31 -> Value.Ref.of(Value.RefKind.I31);
                    case STRUCT -> Value.Ref.of(Value.RefKind.STRUCT);
                    case ARRAY -> Value.Ref.of(Value.RefKind.ARRAY);
                    case HOST -> a.ref() instanceof HostRef h ? Value.Ref.host(Value.RefKind.HOST, h.id())
                            : Value.Ref.of(Value.RefKind.HOST);
                };
            }
        };
    }
}
