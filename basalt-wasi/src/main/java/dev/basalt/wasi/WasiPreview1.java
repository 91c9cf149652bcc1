package dev.basalt.wasi;

import dev.basalt.wasi.internal.Errno;
import dev.basalt.Caller;
import dev.basalt.Func;
import dev.basalt.FuncType;
import dev.basalt.Instance;
import dev.basalt.Linker;
import dev.basalt.Val;
import dev.basalt.wasm.NumType;
import dev.basalt.wasm.ValType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.Optional;
import java.util.function.Function;

/**
 * Defines the {@code wasi_snapshot_preview1} imports on a {@link Linker}, wasmtime style: each host function finds
 * its {@link WasiContext} in the store's data through an accessor, so one linker serves every store.
 *
 * {@snippet :
 * Linker<WasiContext> linker = Linker.create(engine);
 * WasiPreview1.addToLinker(linker, ctx -> ctx);
 * try (WasiContext wasi = WasiContext.create(WasiConfig.builder().args("hello").inheritStdio().build())) {
 *     Store<WasiContext> store = Store.create(engine, wasi);
 *     int exitCode = WasiPreview1.runCommand(linker.instantiate(store, module));
 * }
 * }
 *
 * <p>Errors are returned as WASI errnos; a pointer outside the guest's memory is {@code EFAULT}. The only things
 * that leave a function abnormally are {@link WasiExitException} ({@code proc_exit}, fatal {@code proc_raise}) and
 * a {@link dev.basalt.Trap} when the module does not export its memory as {@code "memory"}.
 *
 * @see <a href="https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md">WASI preview1</a>
 */
public final class WasiPreview1 {
    /** The import module name. */
    public static final String MODULE = "wasi_snapshot_preview1";

    private WasiPreview1() {
    }

    /** A function body: returns the errno. */
    @FunctionalInterface
    interface Body {
        int call(Preview1.Call c) throws IOException;
    }

    /**
     * Functions that touch nothing of the context that changes (or that lock what they touch themselves:
     * {@code poll_oneoff} locks only while it looks at descriptors, not while it sleeps).
     */
    private static final Set<String> UNSERIALISED = Set.of("args_get", "args_sizes_get", "environ_get",
            "environ_sizes_get", "clock_res_get", "clock_time_get", "poll_oneoff", "sched_yield");

    /**
     * Defines every preview1 function on {@code linker}. Calls on one {@link WasiContext} are serialised (its
     * monitor), so that threads of a wasi-threads program ({@link WasiThreads}) can share it, as wasmtime's
     * threads share one context behind a mutex.
     */
    public static <T> void addToLinker(Linker<T> linker, Function<? super T, WasiContext> context) {
        for (Definition d : definitions()) {
            boolean serialised = !UNSERIALISED.contains(d.name);
            linker.defineHostFunction(MODULE, d.name, d.type, (Caller<T> caller, Val[] args) -> {
                WasiContext ctx = context.apply(caller.data());
                Preview1.Call call = new Preview1.Call(ctx, caller, args);
                if (serialised) {
                    synchronized (ctx) {
                        return new Val[] {Val.i32(invoke(d.body, call))};
                    }
                }
                return new Val[] {Val.i32(invoke(d.body, call))};
            });
        }
        linker.defineHostFunction(MODULE, "proc_exit", FuncType.of(List.of(NumType.I32), List.of()),
                (Caller<T> caller, Val[] args) -> {
                    Preview1.procExit(new Preview1.Call(context.apply(caller.data()), caller, args));
                    return new Val[0];
                });
    }

    /** The names of all functions {@link #addToLinker} defines. */
    public static List<String> functionNames() {
        List<String> names = new ArrayList<>();
        for (Definition d : definitions()) {
            names.add(d.name);
        }
        names.add("proc_exit");
        names.sort(null);
        return names;
    }

    /**
     * Runs a WASI command or reactor: calls {@code _initialize} if exported, then {@code _start} if exported, and
     * returns the exit code (0 when {@code _start} returns, the {@code proc_exit} code otherwise). Traps propagate.
     */
    public static int runCommand(Instance instance) {
        try {
            Optional<Func> init = instance.getFunc("_initialize");
            if (init.isPresent()) {
                init.get().call();
            }
            Optional<Func> start = instance.getFunc("_start");
            if (start.isPresent()) {
                start.get().call();
            }
            return 0;
        } catch (WasiExitException e) {
            return e.exitCode();
        }
    }

    private static int invoke(Body body, Preview1.Call call) {
        try {
            return body.call(call);
        } catch (Errno.Failure f) {
            return f.errno;
        } catch (IOException e) {
            return Errno.of(e);
        } catch (SecurityException e) {
            return Errno.ACCES;
        } catch (UnsupportedOperationException e) {
            return Errno.NOTSUP;
        } catch (java.nio.channels.NotYetConnectedException e) {
            return Errno.NOTCONN;
        } catch (java.nio.channels.NonReadableChannelException | java.nio.channels.NonWritableChannelException e) {
            return Errno.BADF;
        } catch (IllegalArgumentException e) {
            // invalid host path text, or a position beyond what the host file API takes (offset overflow)
            return Errno.INVAL;
        } catch (java.io.UncheckedIOException e) {
            return Errno.of(e.getCause());
        }
    }

    record Definition(String name, FuncType type, Body body) {
    }

    /** Signatures in witx order, parameters spelled i (i32) and I (i64); every function returns an i32 errno. */
    static List<Definition> definitions() {
        List<Definition> d = new ArrayList<>();
        def(d, "args_get", "ii", Preview1::argsGet);
        def(d, "args_sizes_get", "ii", Preview1::argsSizesGet);
        def(d, "environ_get", "ii", Preview1::environGet);
        def(d, "environ_sizes_get", "ii", Preview1::environSizesGet);
        def(d, "clock_res_get", "ii", Preview1::clockResGet);
        def(d, "clock_time_get", "iIi", Preview1::clockTimeGet);
        def(d, "fd_advise", "iIIi", Preview1::fdAdvise);
        def(d, "fd_allocate", "iII", Preview1::fdAllocate);
        def(d, "fd_close", "i", Preview1::fdClose);
        def(d, "fd_datasync", "i", Preview1::fdDatasync);
        def(d, "fd_fdstat_get", "ii", Preview1::fdFdstatGet);
        def(d, "fd_fdstat_set_flags", "ii", Preview1::fdFdstatSetFlags);
        def(d, "fd_fdstat_set_rights", "iII", Preview1::fdFdstatSetRights);
        def(d, "fd_filestat_get", "ii", Preview1::fdFilestatGet);
        def(d, "fd_filestat_set_size", "iI", Preview1::fdFilestatSetSize);
        def(d, "fd_filestat_set_times", "iIIi", Preview1::fdFilestatSetTimes);
        def(d, "fd_pread", "iiiIi", Preview1::fdPread);
        def(d, "fd_prestat_get", "ii", Preview1::fdPrestatGet);
        def(d, "fd_prestat_dir_name", "iii", Preview1::fdPrestatDirName);
        def(d, "fd_pwrite", "iiiIi", Preview1::fdPwrite);
        def(d, "fd_read", "iiii", Preview1::fdRead);
        def(d, "fd_readdir", "iiiIi", Preview1::fdReaddir);
        def(d, "fd_renumber", "ii", Preview1::fdRenumber);
        def(d, "fd_seek", "iIii", Preview1::fdSeek);
        def(d, "fd_sync", "i", Preview1::fdSync);
        def(d, "fd_tell", "ii", Preview1::fdTell);
        def(d, "fd_write", "iiii", Preview1::fdWrite);
        def(d, "path_create_directory", "iii", Preview1::pathCreateDirectory);
        def(d, "path_filestat_get", "iiiii", Preview1::pathFilestatGet);
        def(d, "path_filestat_set_times", "iiiiIIi", Preview1::pathFilestatSetTimes);
        def(d, "path_link", "iiiiiii", Preview1::pathLink);
        def(d, "path_open", "iiiiiIIii", Preview1::pathOpen);
        def(d, "path_readlink", "iiiiii", Preview1::pathReadlink);
        def(d, "path_remove_directory", "iii", Preview1::pathRemoveDirectory);
        def(d, "path_rename", "iiiiii", Preview1::pathRename);
        def(d, "path_symlink", "iiiii", Preview1::pathSymlink);
        def(d, "path_unlink_file", "iii", Preview1::pathUnlinkFile);
        def(d, "poll_oneoff", "iiii", Preview1::pollOneoff);
        def(d, "proc_raise", "i", Preview1::procRaise);
        def(d, "random_get", "ii", Preview1::randomGet);
        def(d, "sched_yield", "", Preview1::schedYield);
        def(d, "sock_accept", "iii", Preview1::sockAccept);
        def(d, "sock_recv", "iiiiii", Preview1::sockRecv);
        def(d, "sock_send", "iiiii", Preview1::sockSend);
        def(d, "sock_shutdown", "ii", Preview1::sockShutdown);
        return d;
    }

    private static void def(List<Definition> out, String name, String params, Body body) {
        List<ValType> types = new ArrayList<>();
        for (char ch : params.toCharArray()) {
            types.add(ch == 'I' ? NumType.I64 : NumType.I32);
        }
        out.add(new Definition(name, FuncType.of(types, List.of(NumType.I32)), body));
    }
}
