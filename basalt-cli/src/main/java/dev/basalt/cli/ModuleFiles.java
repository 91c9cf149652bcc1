package dev.basalt.cli;

import dev.basalt.testkit.Frontend;
import dev.basalt.wasm.WasmModule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reading module files the way every command does: binary if it starts with the Wasm magic, else WAT text. */
final class ModuleFiles {
    private ModuleFiles() {
    }

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new Main.CliException("no such file: " + file, Main.USAGE);
        } catch (IOException e) {
            throw new Main.CliException("cannot read " + file + ": " + e.getMessage(), Main.USAGE);
        }
    }

    static boolean isBinary(byte[] bytes) {
        return bytes.length >= 4 && bytes[0] == 0 && bytes[1] == 'a' && bytes[2] == 's' && bytes[3] == 'm';
    }

    /**
     * The module in a file's bytes: a serialized module ({@code basalt compile}'s .bwasm), a binary module (which keeps
     * its bytes, so serializing it stores them unchanged) or WAT text.
     */
    static dev.basalt.Module module(dev.basalt.Engine engine, byte[] bytes) {
        if (dev.basalt.Module.isSerialized(bytes)) {
            return dev.basalt.Module.deserialize(engine, bytes);
        }
        return isBinary(bytes) ? dev.basalt.Module.compile(engine, bytes)
                : dev.basalt.Module.fromModel(engine, parse(bytes));
    }

    /** Parses (does not validate) the module in {@code bytes}. */
    static WasmModule parse(byte[] bytes) {
        Frontend frontend = Frontend.standard();
        return isBinary(bytes) ? frontend.decode(bytes)
                : frontend.parseText(new String(bytes, StandardCharsets.UTF_8));
    }
}
