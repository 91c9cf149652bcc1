package dev.basalt.cli;

import dev.basalt.testkit.Frontend;
import dev.basalt.wasm.CustomSection;
import dev.basalt.wasm.DataSegment;
import dev.basalt.wasm.ElementSegment;
import dev.basalt.wasm.Export;
import dev.basalt.wasm.ExternKind;
import dev.basalt.wasm.Global;
import dev.basalt.wasm.Import;
import dev.basalt.wasm.ImportDesc;
import dev.basalt.wasm.Limits;
import dev.basalt.wasm.MemoryType;
import dev.basalt.wasm.SubType;
import dev.basalt.wasm.Table;
import dev.basalt.wasm.TableType;
import dev.basalt.wasm.WasmModule;
import dev.basalt.wasm.dwarf.DwarfDebugInfo;
import dev.basalt.wasm.text.WatPrinter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code basalt inspect FILE [--wat]}: what a module contains, or the module as WAT text. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show a module's sections, types, imports, exports and other contents.")
final class InspectCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "A binary module (.wasm) or a WAT text module.")
    Path file;

    @Option(names = "--wat", description = "Print the module as WebAssembly text instead.")
    boolean wat;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        byte[] bytes = ModuleFiles.read(file);
        WasmModule m = ModuleFiles.parse(bytes);
        PrintWriter out = spec.commandLine().getOut();
        if (wat) {
            out.print(WatPrinter.print(m));
            return Main.OK;
        }
        boolean binary = ModuleFiles.isBinary(bytes);
        out.println(file + ": " + (binary ? "binary" : "text") + " module, " + bytes.length + " bytes");
        byte[] encoded = binary ? bytes : Frontend.standard().encode(m);
        out.println("sections" + (binary ? "" : " (as encoded, " + encoded.length + " bytes)") + ":");
        for (SectionScanner.Section s : SectionScanner.scan(encoded)) {
            out.printf("  %-22s %8d bytes at 0x%x%n", s.displayName(), s.size(), s.offset());
        }
        List<SubType> types = m.types();
        header(out, "types", types.size());
        for (int i = 0; i < types.size(); i++) {
            out.println("  " + i + ": " + WatPrinter.printType(m, types.get(i)));
        }
        header(out, "imports", m.imports().size());
        for (Import i : m.imports()) {
            out.println("  \"" + i.module() + "\" \"" + i.name() + "\" " + describe(i.desc()));
        }
        header(out, "exports", m.exports().size());
        for (Export e : m.exports()) {
            out.println("  \"" + e.name() + "\" " + e.kind().text() + " " + e.index());
        }
        out.println("functions: " + m.functionCount() + " (" + m.importCount(ExternKind.FUNC) + " imported, "
                + m.functions().size() + " defined)");
        header(out, "tables", m.tables().size());
        for (Table t : m.tables()) {
            out.println("  " + describe(t.type()) + (t.init().isPresent() ? " with init expression" : ""));
        }
        header(out, "memories", m.memories().size());
        for (MemoryType mem : m.memories()) {
            out.println("  " + describe(mem));
        }
        header(out, "globals", m.globals().size());
        for (Global g : m.globals()) {
            out.println("  " + (g.type().mutable() ? "mut " : "") + WatPrinter.printValType(g.type().type()));
        }
        if (!m.tags().isEmpty()) {
            header(out, "tags", m.tags().size());
            m.tags().forEach(t -> out.println("  type " + t.typeIndex()));
        }
        m.start().ifPresent(s -> out.println("start: function " + s));
        header(out, "element segments", m.elements().size());
        for (ElementSegment e : m.elements()) {
            String mode = switch (e.mode()) {
                case ElementSegment.Passive p -> "passive";
                case ElementSegment.Declarative d -> "declarative";
                case ElementSegment.Active a -> "active, table " + a.table();
            };
            out.println("  " + mode + ", " + e.init().size() + " x " + WatPrinter.printValType(e.type()));
        }
        header(out, "data segments", m.data().size());
        for (DataSegment d : m.data()) {
            String mode = d.mode() instanceof DataSegment.Active a ? "active, memory " + a.memory() : "passive";
            out.println("  " + mode + ", " + d.init().length + " bytes");
        }
        int customCount = m.customSections().size() + (m.names().isPresent() ? 1 : 0);
        header(out, "custom sections", customCount);
        m.names().ifPresent(n -> out.println("  \"name\" (decoded)"));
        for (CustomSection c : m.customSections()) {
            String dwarf = !c.name().startsWith(".debug_") ? ""
                    : DwarfDebugInfo.usesSection(c.name()) ? " (DWARF: read for source lines)" : " (DWARF: not needed)";
            out.println("  \"" + c.name() + "\" " + c.data().length + " bytes" + dwarf);
        }
        if (DwarfDebugInfo.present(m.customSections())) {
            // what backtraces will show: the same reader, so a problem here is the warning a trap would log
            DwarfDebugInfo debug = DwarfDebugInfo.parse(m.customSections());
            out.println("debug info: " + debug.summary()
                    + (binary ? "" : " (text module: no code offsets, so backtraces cannot use it)"));
            debug.problem().ifPresent(p -> out.println("  ignored (malformed): " + p));
        }
        return Main.OK;
    }

    private static void header(PrintWriter out, String what, int count) {
        out.println(what + ": " + count);
    }

    private static String describe(ImportDesc d) {
        return switch (d) {
            case ImportDesc.Func f -> "func (type " + f.typeIndex() + ")";
            case ImportDesc.Table t -> "table " + describe(t.type());
            case ImportDesc.Memory m -> "memory " + describe(m.type());
            case ImportDesc.Global g -> "global " + (g.type().mutable() ? "mut " : "")
                    + WatPrinter.printValType(g.type().type());
            case ImportDesc.Tag t -> "tag (type " + t.type().typeIndex() + ")";
        };
    }

    private static String describe(TableType t) {
        return (t.is64() ? "i64 " : "") + limits(t.limits()) + " " + WatPrinter.printValType(t.elementType());
    }

    private static String describe(MemoryType m) {
        return (m.is64() ? "i64 " : "") + limits(m.limits()) + " pages" + (m.shared() ? " shared" : "")
                + (m.pageSizeLog2() != MemoryType.DEFAULT_PAGE_SIZE_LOG2 ? " (page size 2^" + m.pageSizeLog2() + ")" : "");
    }

    private static String limits(Limits l) {
        return "min " + Long.toUnsignedString(l.min())
                + l.max().stream().mapToObj(x -> ", max " + Long.toUnsignedString(x)).findFirst().orElse("");
    }
}
