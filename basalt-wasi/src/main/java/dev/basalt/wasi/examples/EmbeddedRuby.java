package dev.basalt.wasi.examples;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.Func;
import dev.basalt.FuncType;
import dev.basalt.Instance;
import dev.basalt.Linker;
import dev.basalt.Memory;
import dev.basalt.Module;
import dev.basalt.Store;
import dev.basalt.Trap;
import dev.basalt.TrapKind;
import dev.basalt.Val;
import dev.basalt.wasi.WasiConfig;
import dev.basalt.wasi.WasiContext;
import dev.basalt.wasi.WasiPreview1;
import dev.basalt.wasm.NumType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CRuby embedded in a Java program: {@code ruby+stdlib.wasm} from the npm package {@code @ruby/3.4-wasm-wasi}
 * (a wasm32-wasi reactor with the standard library packed inside by wasi-vfs), run by Basalt with WASI preview1.
 *
 * <p>The module was built for a JavaScript host with old-style wit-bindgen glue. A JVM host provides:
 * <ul>
 *   <li>{@code wasi_snapshot_preview1}: {@link WasiPreview1} (stdio only; the stdlib needs no pre-opens);</li>
 *   <li>{@code rb-js-abi-host.*} (21 functions, Ruby's {@code JS} module): traps, via
 *       {@link Linker#defineUnknownImportsAsTraps(Module, String)}; plain Ruby code never calls them;</li>
 *   <li>{@code canonical_abi.resource_{new,get}_rb-abi-value}: a host-side handle table of Ruby values handed out
 *       by the guest; {@code resource_drop_js-abi-value} traps, as this host never creates JavaScript values.</li>
 * </ul>
 * Then {@code _initialize}, {@code ruby-init(args)}, {@code ruby-init-loadpath()}, and {@link #eval(String)} per
 * script. Strings and lists cross the boundary in the canonical ABI's layout (memory allocated with the guest's
 * {@code cabi_realloc}):
 * <pre>
 *   string          (ptr: i32, len: i32)       UTF-8 bytes at ptr; ruby-init's arguments are C strings, so
 *                                              each one ends with a NUL that len counts
 *   list&lt;string&gt;    (ptr: i32, len: i32)       ptr -> len entries of 8 bytes: [ptr i32 | len i32]
 *   tuple&lt;handle, s32&gt; returned as a pointer:  [handle i32 | state s32]   (state 0: no exception)
 * </pre>
 *
 * <p>Not thread-safe: one Ruby VM per instance, used by one thread at a time. Close it to drop the WASI context.
 *
 * {@snippet :
 * Engine engine = Engine.create();
 * Module ruby = EmbeddedRuby.compile(engine, Path.of("node_modules/@ruby/3.4-wasm-wasi/dist/ruby+stdlib.wasm"));
 * ByteArrayOutputStream out = new ByteArrayOutputStream();
 * try (EmbeddedRuby vm = EmbeddedRuby.start(ruby, WasiConfig.builder().stdout(out).build())) {
 *     vm.eval("puts [1, 2, 3].sum");                       // out: "6\n"
 * }
 * }
 *
 * <p>From the command line (the CLI jar contains this class):
 * {@code java -cp basalt-cli/target/basalt.jar dev.basalt.wasi.examples.EmbeddedRuby RUBY_WASM 'puts 6 * 7'}.
 */
public final class EmbeddedRuby implements AutoCloseable {
    /** Ruby's JavaScript-interop imports, which a JVM host defines as traps. */
    public static final String JS_HOST_MODULE = "rb-js-abi-host";
    /** The old wit-bindgen resource intrinsics. */
    public static final String CANONICAL_ABI_MODULE = "canonical_abi";
    /** The arguments ruby.wasm's own JavaScript host passes: program name, UTF-8 source, and an empty script. */
    public static final List<String> DEFAULT_ARGS = List.of("ruby.wasm", "-EUTF-8", "-e_=0");

    private final WasiContext wasi;
    private final RubyValueHandles handles;
    private final Memory memory;
    private final Func cabiRealloc;
    private final Func evalStringProtect;
    private final Func dropRubyValue;

    private EmbeddedRuby(WasiContext wasi, RubyValueHandles handles, Instance instance) {
        this.wasi = wasi;
        this.handles = handles;
        this.memory = instance.getMemory("memory").orElseThrow(() -> missing("memory"));
        this.cabiRealloc = instance.getFunc("cabi_realloc").orElseThrow(() -> missing("cabi_realloc"));
        this.evalStringProtect = witExport(instance, "rb-eval-string-protect");
        this.dropRubyValue = instance.getFunc("canonical_abi_drop_rb-abi-value")
                .orElseThrow(() -> missing("canonical_abi_drop_rb-abi-value"));
    }

    /** Decodes, validates and translates the Ruby module (30 MB: the slow step; reuse the result). */
    public static Module compile(Engine engine, Path rubyWasm) throws IOException {
        return Module.compile(engine, Files.readAllBytes(rubyWasm));
    }

    /** Instantiates Ruby with {@link #DEFAULT_ARGS}, initialises the VM and its load path. */
    public static EmbeddedRuby start(Module ruby, WasiConfig wasiConfig) {
        return start(ruby, wasiConfig, DEFAULT_ARGS);
    }

    /**
     * Instantiates Ruby with the capabilities of {@code wasiConfig} and the interpreter arguments {@code rubyArgs}
     * (as on a command line, first the program name), and initialises the VM and its load path.
     *
     * @throws Trap if the guest traps while initialising
     * @throws dev.basalt.wasi.WasiExitException if Ruby exits while initialising (e.g. a bad argument)
     */
    public static EmbeddedRuby start(Module ruby, WasiConfig wasiConfig, List<String> rubyArgs) {
        Engine engine = ruby.engine();
        WasiContext wasi = WasiContext.create(wasiConfig);
        try {
            RubyValueHandles handles = new RubyValueHandles();
            Linker<WasiContext> linker = Linker.create(engine);
            WasiPreview1.addToLinker(linker, ctx -> ctx);
            FuncType i32ToI32 = FuncType.of(List.of(NumType.I32), List.of(NumType.I32));
            linker.defineHostFunction(CANONICAL_ABI_MODULE, "resource_new_rb-abi-value", i32ToI32,
                    (caller, args) -> new Val[] {Val.i32(handles.add(i32(args[0])))});
            linker.defineHostFunction(CANONICAL_ABI_MODULE, "resource_get_rb-abi-value", i32ToI32,
                    (caller, args) -> new Val[] {Val.i32(handles.get(i32(args[0])))});
            linker.defineHostFunction(CANONICAL_ABI_MODULE, "resource_drop_js-abi-value",
                    FuncType.of(List.of(NumType.I32), List.of()), (caller, args) -> {
                        throw new Trap(TrapKind.HOST_ERROR, "js-abi-value handle " + i32(args[0])
                                + " dropped, but this host creates no JavaScript values");
                    });
            linker.defineUnknownImportsAsTraps(ruby, JS_HOST_MODULE);
            Instance instance = linker.instantiate(Store.create(engine, wasi), ruby);

            instance.getFunc("_initialize").orElseThrow(() -> missing("_initialize")).call();
            EmbeddedRuby vm = new EmbeddedRuby(wasi, handles, instance);
            List<String> cStrings = new ArrayList<>();
            for (String a : rubyArgs) {
                cStrings.add(a + '\0');
            }
            int[] list = vm.lowerStringList(cStrings);
            witExport(instance, "ruby-init").callRaw(list[0], list[1]);
            witExport(instance, "ruby-init-loadpath").callRaw();
            return vm;
        } catch (RuntimeException e) {
            wasi.close();
            throw e;
        }
    }

    /**
     * Evaluates Ruby source at the top level and flushes {@code $stdout}; returns Ruby's protect state: 0 when
     * the code ran to its end, otherwise the tag of the non-local exit (6 for a raised exception, as in
     * {@code rb_protect}). The resulting Ruby value is released.
     */
    public int eval(String code) {
        int[] str = lowerString(code + "\n$stdout.flush");
        long returnArea = Integer.toUnsignedLong(evalStringProtect.callI32(str[0], str[1]));
        int handle = memory.readInt(returnArea);
        int state = memory.readInt(returnArea + 4);
        // The guest keeps the value alive until the host drops its handle.
        dropRubyValue.callRaw(handles.remove(handle));
        wasi.flush();
        return state;
    }

    /** Live handles to Ruby values (for tests: each {@link #eval} releases its result). */
    public int liveValueHandles() {
        return handles.size();
    }

    @Override
    public void close() {
        wasi.close();
    }

    private int[] lowerString(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        int ptr = cabiRealloc.callI32(0, 0, 1, bytes.length);
        memory.write(Integer.toUnsignedLong(ptr), bytes);
        return new int[] {ptr, bytes.length};
    }

    private int[] lowerStringList(List<String> strings) {
        int array = cabiRealloc.callI32(0, 0, 4, 8L * strings.size());
        for (int i = 0; i < strings.size(); i++) {
            int[] str = lowerString(strings.get(i));
            memory.writeInt(Integer.toUnsignedLong(array) + 8L * i, str[0]);
            memory.writeInt(Integer.toUnsignedLong(array) + 8L * i + 4, str[1]);
        }
        return new int[] {array, strings.size()};
    }

    /** Old wit-bindgen exports are named by their full signature, e.g. {@code "ruby-init: func(...) -> ()"}. */
    private static Func witExport(Instance instance, String name) {
        String prefix = name + ":";
        return instance.exports().keySet().stream().filter(k -> k.startsWith(prefix)).findFirst()
                .flatMap(instance::getFunc).orElseThrow(() -> missing(name));
    }

    private static IllegalArgumentException missing(String export) {
        return new IllegalArgumentException("not a ruby.wasm reactor: no export " + export);
    }

    private static int i32(Val v) {
        return ((Val.I32) v).value();
    }

    /**
     * {@code java dev.basalt.wasi.examples.EmbeddedRuby RUBY_WASM CODE...}: evaluates each CODE in one VM with
     * the process's stdio; exits 1 after a Ruby exception.
     */
    public static void main(String[] args) throws IOException {
        Config.Strategy strategy = Config.Strategy.INTERPRETER;
        if (args.length > 1 && args[0].equals("--engine")) {
            strategy = Config.Strategy.valueOf(args[1].toUpperCase(java.util.Locale.ROOT));
            args = java.util.Arrays.copyOfRange(args, 2, args.length);
        }
        if (args.length < 2) {
            System.err.println("usage: EmbeddedRuby [--engine interpreter|compiler] path/to/ruby+stdlib.wasm "
                    + "'ruby code'...");
            System.exit(2);
        }
        long t0 = System.nanoTime();
        Module ruby = compile(Engine.create(Config.builder().strategy(strategy).build()), Path.of(args[0]));
        long t1 = System.nanoTime();
        int exit = 0;
        long t2;
        try (EmbeddedRuby vm = start(ruby, WasiConfig.builder().inheritStdio().build())) {
            t2 = System.nanoTime();
            for (int i = 1; i < args.length && exit == 0; i++) {
                exit = vm.eval(args[i]) == 0 ? 0 : 1;
            }
        }
        System.out.flush();
        System.err.printf("(compile %d ms, start %d ms, eval %d ms)%n", (t1 - t0) / 1_000_000,
                (t2 - t1) / 1_000_000, (System.nanoTime() - t2) / 1_000_000);
        System.exit(exit);
    }
}
