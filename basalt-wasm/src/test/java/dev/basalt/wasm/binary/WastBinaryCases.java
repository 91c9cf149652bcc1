package dev.basalt.wasm.binary;

import dev.basalt.wasm.wast.Directive;
import dev.basalt.wasm.wast.ModuleSource;
import dev.basalt.wasm.wast.WastParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Test helper: the binary modules of the spec testsuite's .wast files (read with {@link WastParser}): every
 * {@code (module binary ...)} outside {@code assert_malformed} as a case that must decode (an invalid or
 * unlinkable module is still well-formed), every {@code (assert_malformed (module binary ...) "reason")} as one
 * that must fail with that reason.
 */
final class WastBinaryCases {
    /** One binary module of the suite; {@code malformedReason} is null when it must decode. */
    record Case(String file, int line, byte[] bytes, String malformedReason) {
        String name() {
            return file + ":" + line;
        }
    }

    private WastBinaryCases() {
    }

    static List<Case> cases(Path suite, Path file) throws IOException {
        String name = suite.relativize(file).toString();
        List<Case> out = new ArrayList<>();
        for (Directive d : WastParser.parse(name, Files.readAllBytes(file)).directives()) {
            ModuleSource source = switch (d) {
                case Directive.Module m -> m.source();
                case Directive.AssertInvalid a -> a.module();
                case Directive.AssertUnlinkable a -> a.module();
                case Directive.AssertModuleTrap a -> a.module();
                case Directive.AssertMalformed a -> a.module();
                default -> null;
            };
            if (source instanceof ModuleSource.Binary binary) {
                String reason = d instanceof Directive.AssertMalformed a ? a.message() : null;
                out.add(new Case(name, d.line(), binary.bytes(), reason));
            }
        }
        return out;
    }
}
