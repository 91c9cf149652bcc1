package dev.basalt.wasm.binary;

import dev.basalt.wasm.MalformedException;
import dev.basalt.wasm.NameSection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Decodes and encodes the payload of the {@code name} custom section, including the extended-name-section
 * subsections (labels, types, tables, memories, globals, elems, datas, fields, tags).
 *
 * <p>The name section is advisory: the spec requires a malformed one to be ignored, so {@link #parse} returns
 * empty (and the reader keeps the bytes as a raw custom section) instead of failing the module. A payload that
 * decodes but that {@link NameSection} could not reproduce (an unknown subsection, subsections out of order, a
 * name map whose indices are not strictly increasing) is treated the same way, so nothing is lost.
 *
 * @see <a href="https://webassembly.github.io/spec/core/appendix/custom.html#name-section">Name Section</a>
 */
final class NameSectionCodec {
    private NameSectionCodec() {
    }

    /** Subsection ids whose content is an indirect name map (outer index -> inner index -> name). */
    static boolean isIndirect(int id) {
        return id == NameSection.LOCALS || id == NameSection.LABELS || id == NameSection.FIELDS;
    }

    static Optional<NameSection> parse(byte[] payload, int baseOffset) {
        try {
            return Optional.of(decode(new ByteReader(payload, 0, payload.length, baseOffset)));
        } catch (MalformedException e) {
            return Optional.empty();
        }
    }

    private static NameSection decode(ByteReader in) {
        Optional<String> moduleName = Optional.empty();
        Map<Integer, Map<Integer, String>> nameMaps = new HashMap<>();
        Map<Integer, Map<Integer, Map<Integer, String>>> indirect = new HashMap<>();
        int lastId = -1;
        while (!in.atEnd()) {
            int id = in.u8();
            if (id <= lastId || id > NameSection.TAGS) {
                throw in.error("malformed name section: subsection " + id + " out of order or unknown");
            }
            lastId = id;
            int size = in.length();
            int end = in.pos() + size;
            if (id == NameSection.MODULE) {
                moduleName = Optional.of(in.name());
            } else if (isIndirect(id)) {
                int count = in.length();
                Map<Integer, Map<Integer, String>> outer = new HashMap<>();
                long previous = -1;
                for (int i = 0; i < count; i++) {
                    long index = in.u32();
                    if (index <= previous || index > Integer.MAX_VALUE) {
                        throw in.error("malformed name section: indices not increasing");
                    }
                    previous = index;
                    outer.put((int) index, nameMap(in));
                }
                indirect.put(id, outer);
            } else {
                nameMaps.put(id, nameMap(in));
            }
            if (in.pos() != end) {
                throw in.error("malformed name section: subsection size mismatch");
            }
        }
        return new NameSection(moduleName, nameMaps, indirect);
    }

    private static Map<Integer, String> nameMap(ByteReader in) {
        int count = in.length();
        Map<Integer, String> map = new HashMap<>();
        long previous = -1;
        for (int i = 0; i < count; i++) {
            long index = in.u32();
            if (index <= previous || index > Integer.MAX_VALUE) {
                throw in.error("malformed name section: indices not increasing");
            }
            previous = index;
            map.put((int) index, in.name());
        }
        return map;
    }

    /** Encodes the payload (everything after the section name) in canonical order. */
    static byte[] encode(NameSection names) {
        ByteWriter out = new ByteWriter();
        for (int id = NameSection.MODULE; id <= NameSection.TAGS; id++) {
            ByteWriter sub = new ByteWriter();
            if (id == NameSection.MODULE) {
                if (names.moduleName().isEmpty()) {
                    continue;
                }
                sub.name(names.moduleName().get());
            } else if (isIndirect(id)) {
                Map<Integer, Map<Integer, String>> outer = names.indirectNameMaps().get(id);
                if (outer == null) {
                    continue;
                }
                TreeMap<Integer, Map<Integer, String>> sorted = new TreeMap<>(outer);
                sub.u32(sorted.size());
                for (Map.Entry<Integer, Map<Integer, String>> e : sorted.entrySet()) {
                    sub.u32(e.getKey());
                    writeNameMap(sub, e.getValue());
                }
            } else {
                Map<Integer, String> map = names.nameMaps().get(id);
                if (map == null) {
                    continue;
                }
                writeNameMap(sub, map);
            }
            out.u8(id);
            out.sized(sub);
        }
        return out.toByteArray();
    }

    private static void writeNameMap(ByteWriter out, Map<Integer, String> map) {
        TreeMap<Integer, String> sorted = new TreeMap<>(map);
        out.u32(sorted.size());
        for (Map.Entry<Integer, String> e : sorted.entrySet()) {
            out.u32(e.getKey());
            out.name(e.getValue());
        }
    }
}
