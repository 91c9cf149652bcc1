package dev.basalt.testkit;

import dev.basalt.wasm.WasmModule;
import dev.basalt.wasm.binary.BinaryReader;
import dev.basalt.wasm.binary.BinaryWriter;
import dev.basalt.wasm.validate.Validator;
import dev.basalt.wasm.wast.WastScript;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;

/**
 * Basalt's parsers, binary writer and validator. The text parsers are bound by name while they are being written
 * in parallel: each is looked up once, and one that is not in the build yet fails with a clear message instead of
 * breaking the build. Calls go straight through (a method handle does not wrap what the target throws).
 */
final class StandardFrontend implements Frontend {
    static final StandardFrontend INSTANCE = new StandardFrontend();

    private final Entry scriptParser = new Entry("dev.basalt.wasm.wast.WastParser", "parse",
            MethodType.methodType(WastScript.class, String.class, byte[].class), "the WAST script parser");
    private final Entry watParser = new Entry("dev.basalt.wasm.text.WatParser", "parseModule",
            MethodType.methodType(WasmModule.class, String.class), "the WAT parser");

    private StandardFrontend() {
    }

    /** The pieces this build lacks, e.g. "the validator"; empty once all of them are in. */
    List<String> missingPieces() {
        List<String> missing = new ArrayList<>();
        for (Entry e : List.of(scriptParser, watParser)) {
            if (!e.available()) {
                missing.add(e.what);
            }
        }
        return missing;
    }

    @Override
    public WastScript parseScript(String fileName, byte[] content) {
        try {
            return (WastScript) scriptParser.handle().invoke(fileName, content);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public WasmModule parseText(String text) {
        try {
            return (WasmModule) watParser.handle().invoke(text);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public WasmModule decode(byte[] bytes) {
        return BinaryReader.read(bytes);
    }

    @Override
    public byte[] encode(WasmModule module) {
        return BinaryWriter.write(module);
    }

    @Override
    public void validate(WasmModule module) {
        Validator.validate(module);
    }

    /** One static entry point, resolved on first use. */
    private static final class Entry {
        private final String className;
        private final String method;
        private final MethodType type;
        private final String what;
        private volatile MethodHandle handle;

        Entry(String className, String method, MethodType type, String what) {
            this.className = className;
            this.method = method;
            this.type = type;
            this.what = what;
        }

        boolean available() {
            try {
                handle();
                return true;
            } catch (UnsupportedOperationException e) {
                return false;
            }
        }

        MethodHandle handle() {
            MethodHandle h = handle;
            if (h == null) {
                try {
                    h = MethodHandles.publicLookup().findStatic(Class.forName(className), method, type);
                } catch (ReflectiveOperationException e) {
                    throw new UnsupportedOperationException(what + " is not available in this build ("
                            + className + "." + method + " not found)");
                }
                handle = h;
            }
            return h;
        }
    }
}
