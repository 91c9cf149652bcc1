package dev.basalt.wasm.text;

import dev.basalt.wasm.BlockType;
import dev.basalt.wasm.Expression;
import dev.basalt.wasm.Instruction;
import dev.basalt.wasm.MemArg;
import dev.basalt.wasm.Opcode;
import dev.basalt.wasm.RefType;
import dev.basalt.wasm.V128;
import dev.basalt.wasm.ValType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses an instruction sequence (flat, folded, or mixed) into the flat instruction list of an {@link Expression}.
 *
 * <p>Nesting is handled with an explicit stack of open constructs, never by recursion, so arbitrarily deep input
 * cannot overflow the Java stack. Folded forms know where they end from the cursor's matching-parenthesis table.
 * Immediates are parsed as the opcode table's {@link Opcode.Imm immediate kind} says; only the structured
 * instructions ({@code block}, {@code loop}, {@code if}, {@code try_table}, legacy {@code try}) and the instructions
 * whose text order of immediates differs from the binary one are treated specially.
 */
final class InstructionParser {
    private enum Kind {
        /** A flat {@code block ... end} (also loop, if, try, try_table). */
        FLAT,
        /** {@code (op imm* folded*)}: the op is emitted when the form closes. */
        PLAIN,
        /** {@code (block ...)}, {@code (loop ...)}, {@code (try_table ...)}. */
        BLOCK,
        /** {@code (if label bt folded* (then ...) (else ...)?)}. */
        IF,
        THEN,
        ELSE,
        /** Legacy {@code (try label bt (do ...) (catch x ...)* (catch_all ...)? | (delegate l))}. */
        TRY,
        DO,
        CATCH
    }

    private static final class Frame {
        final Kind kind;
        final int end;
        Opcode op;
        String label;
        Instruction pending;
        BlockType blockType;
        int phase;

        Frame(Kind kind, int end) {
            this.kind = kind;
            this.end = end;
        }
    }

    private final WatParser module;
    private final TokenCursor c;
    private final WatParser.FunctionContext locals;
    private final List<String> labels = new ArrayList<>();
    private final List<Instruction> out = new ArrayList<>();
    /** Label names by the ordinal of their block-like instruction in the body (the name section's label index). */
    private final Map<Integer, String> labelNames = new java.util.TreeMap<>();
    private int labelOrdinal;

    InstructionParser(WatParser module, TokenCursor cursor, WatParser.FunctionContext locals) {
        this.module = module;
        this.c = cursor;
        this.locals = locals;
    }

    /**
     * Parses instructions up to the closing parenthesis of the enclosing form (not consumed) or, when
     * {@code stopAt >= 0}, up to that token index (one folded instruction).
     */
    Expression expression(int stopAt) {
        Deque<Frame> stack = new ArrayDeque<>();
        while (true) {
            Frame top = stack.peek();
            if (top != null && top.end >= 0 && c.p == top.end) {
                if (!c.peek().is(Token.Kind.RPAR)) {
                    throw c.unexpected(c.peek());
                }
                stack.pop();
                close(top);
                c.p++;
                continue;
            }
            if (top == null && stopAt >= 0 && c.p >= stopAt) {
                break;
            }
            Token t = c.peek();
            if (t.is(Token.Kind.RPAR) || t.is(Token.Kind.EOF)) {
                if (top != null) {
                    throw c.unexpected(t);
                }
                break;
            }
            if (t.is(Token.Kind.LPAR)) {
                openFolded(stack, top);
                continue;
            }
            if (top != null && (top.kind == Kind.PLAIN || top.kind == Kind.IF || top.kind == Kind.TRY)) {
                throw c.unexpected(t);
            }
            if (!t.is(Token.Kind.KEYWORD)) {
                throw c.unexpected(t);
            }
            flat(stack, top);
        }
        return new Expression(out);
    }

    /** Enters the label scope of a block-like instruction; called right where that instruction is emitted. */
    private void pushLabel(String label) {
        labels.add(label);
        int ordinal = labelOrdinal++;
        if (label != null) {
            labelNames.put(ordinal, label);
        }
    }

    /** The names of the labels seen so far, by label index as the name section counts them. */
    Map<Integer, String> labelNames() {
        return labelNames;
    }

    private void popLabel() {
        labels.remove(labels.size() - 1);
    }

    private String optionalLabel() {
        return c.optionalId();
    }

    private int label() {
        Token t = c.next();
        if (t.is(Token.Kind.ID)) {
            for (int i = labels.size() - 1; i >= 0; i--) {
                if (t.idName().equals(labels.get(i))) {
                    return labels.size() - 1 - i;
                }
            }
            throw c.error(t, "unknown label " + t.text());
        }
        if (t.is(Token.Kind.NAT)) {
            c.p--;
            return c.u32();
        }
        throw c.unexpected(t);
    }

    private void checkEndLabel(Frame f) {
        if (c.at(Token.Kind.ID)) {
            Token id = c.next();
            if (!id.idName().equals(f.label)) {
                throw c.error(id, "mismatching label");
            }
        }
    }

    private void openFolded(Deque<Frame> stack, Frame top) {
        Token kwTok = c.peek(1);
        if (!kwTok.is(Token.Kind.KEYWORD)) {
            throw c.unexpected(kwTok);
        }
        int end = c.matching[c.p];
        String kw = kwTok.text();
        if (top != null && top.kind == Kind.IF) {
            if (top.phase == 0 && kw.equals("then")) {
                c.p += 2;
                out.add(new Instruction.Block(Opcode.IF, top.blockType));
                pushLabel(top.label);
                top.phase = 1;
                stack.push(new Frame(Kind.THEN, end));
                return;
            }
            if (top.phase == 1 && kw.equals("else")) {
                c.p += 2;
                out.add(new Instruction.Simple(Opcode.ELSE));
                top.phase = 2;
                stack.push(new Frame(Kind.ELSE, end));
                return;
            }
            if (top.phase != 0) {
                throw c.unexpected(kwTok);
            }
        }
        if (top != null && top.kind == Kind.TRY) {
            switch (kw) {
                case "do" -> {
                    if (top.phase != 0) {
                        throw c.unexpected(kwTok);
                    }
                    c.p += 2;
                    top.phase = 1;
                    stack.push(new Frame(Kind.DO, end));
                }
                case "catch" -> {
                    if (top.phase != 1 && top.phase != 2) {
                        throw c.unexpected(kwTok);
                    }
                    c.p += 2;
                    out.add(new Instruction.Index(Opcode.CATCH, module.tags().resolve(c, c.next())));
                    top.phase = 2;
                    stack.push(new Frame(Kind.CATCH, end));
                }
                case "catch_all" -> {
                    if (top.phase != 1 && top.phase != 2) {
                        throw c.unexpected(kwTok);
                    }
                    c.p += 2;
                    out.add(new Instruction.Simple(Opcode.CATCH_ALL));
                    top.phase = 3;
                    stack.push(new Frame(Kind.CATCH, end));
                }
                case "delegate" -> {
                    if (top.phase != 1) {
                        throw c.unexpected(kwTok);
                    }
                    c.p += 2;
                    popLabel();
                    out.add(new Instruction.Branch(Opcode.DELEGATE, label()));
                    c.expect(Token.Kind.RPAR);
                    top.phase = 4;
                }
                default -> throw c.unexpected(kwTok);
            }
            return;
        }
        switch (kw) {
            case "block", "loop" -> {
                c.p += 2;
                String label = optionalLabel();
                BlockType bt = module.blockType();
                out.add(new Instruction.Block(kw.equals("block") ? Opcode.BLOCK : Opcode.LOOP, bt));
                pushLabel(label);
                stack.push(new Frame(Kind.BLOCK, end));
            }
            case "try_table" -> {
                c.p += 2;
                String label = optionalLabel();
                BlockType bt = module.blockType();
                out.add(new Instruction.TryTable(bt, catches()));
                pushLabel(label);
                stack.push(new Frame(Kind.BLOCK, end));
            }
            case "if" -> {
                c.p += 2;
                Frame f = new Frame(Kind.IF, end);
                f.label = optionalLabel();
                f.blockType = module.blockType();
                stack.push(f);
            }
            case "try" -> {
                c.p += 2;
                String label = optionalLabel();
                BlockType bt = module.blockType();
                out.add(new Instruction.Block(Opcode.TRY, bt));
                pushLabel(label);
                stack.push(new Frame(Kind.TRY, end));
            }
            default -> {
                c.p++;
                Frame f = new Frame(Kind.PLAIN, end);
                f.pending = plain();
                stack.push(f);
            }
        }
    }

    private void close(Frame f) {
        switch (f.kind) {
            case PLAIN -> out.add(f.pending);
            case BLOCK -> {
                out.add(new Instruction.Simple(Opcode.END));
                popLabel();
            }
            case IF -> {
                if (f.phase == 0) {
                    throw c.unexpected(c.peek());
                }
                out.add(new Instruction.Simple(Opcode.END));
                popLabel();
            }
            case TRY -> {
                if (f.phase == 0) {
                    throw c.unexpected(c.peek());
                }
                if (f.phase != 4) {
                    out.add(new Instruction.Simple(Opcode.END));
                    popLabel();
                }
            }
            case THEN, ELSE, DO, CATCH, FLAT -> {
            }
        }
    }

    private void flat(Deque<Frame> stack, Frame top) {
        Token t = c.peek();
        switch (t.text()) {
            case "block", "loop", "if", "try", "try_table" -> {
                c.p++;
                Frame f = new Frame(Kind.FLAT, -1);
                f.label = optionalLabel();
                BlockType bt = module.blockType();
                f.op = switch (t.text()) {
                    case "block" -> Opcode.BLOCK;
                    case "loop" -> Opcode.LOOP;
                    case "if" -> Opcode.IF;
                    case "try" -> Opcode.TRY;
                    default -> Opcode.TRY_TABLE;
                };
                if (f.op == Opcode.TRY_TABLE) {
                    out.add(new Instruction.TryTable(bt, catches()));
                } else {
                    out.add(new Instruction.Block(f.op, bt));
                }
                pushLabel(f.label);
                stack.push(f);
            }
            case "else" -> {
                if (top == null || top.kind != Kind.FLAT || top.op != Opcode.IF || top.phase != 0) {
                    throw c.unexpected(t);
                }
                c.p++;
                checkEndLabel(top);
                out.add(new Instruction.Simple(Opcode.ELSE));
                top.phase = 1;
            }
            case "end" -> {
                if (top == null || top.kind != Kind.FLAT) {
                    throw c.unexpected(t);
                }
                c.p++;
                checkEndLabel(top);
                out.add(new Instruction.Simple(Opcode.END));
                popLabel();
                stack.pop();
            }
            case "catch" -> {
                if (top == null || top.kind != Kind.FLAT || top.op != Opcode.TRY || top.phase > 1) {
                    throw c.unexpected(t);
                }
                c.p++;
                out.add(new Instruction.Index(Opcode.CATCH, module.tags().resolve(c, c.next())));
                top.phase = 1;
            }
            case "catch_all" -> {
                if (top == null || top.kind != Kind.FLAT || top.op != Opcode.TRY || top.phase > 1) {
                    throw c.unexpected(t);
                }
                c.p++;
                out.add(new Instruction.Simple(Opcode.CATCH_ALL));
                top.phase = 2;
            }
            case "delegate" -> {
                if (top == null || top.kind != Kind.FLAT || top.op != Opcode.TRY || top.phase != 0) {
                    throw c.unexpected(t);
                }
                c.p++;
                popLabel();
                out.add(new Instruction.Branch(Opcode.DELEGATE, label()));
                stack.pop();
            }
            default -> out.add(plain());
        }
    }

    /** try_table catch clauses; their labels are resolved outside the try_table's own label. */
    private List<Instruction.Catch> catches() {
        List<Instruction.Catch> list = new ArrayList<>();
        while (c.at(Token.Kind.LPAR) && c.peek(1).is(Token.Kind.KEYWORD)) {
            Instruction.CatchKind kind = switch (c.peek(1).text()) {
                case "catch" -> Instruction.CatchKind.CATCH;
                case "catch_ref" -> Instruction.CatchKind.CATCH_REF;
                case "catch_all" -> Instruction.CatchKind.CATCH_ALL;
                case "catch_all_ref" -> Instruction.CatchKind.CATCH_ALL_REF;
                default -> null;
            };
            if (kind == null) {
                break;
            }
            c.p += 2;
            int tag = kind.hasTag() ? module.tags().resolve(c, c.next()) : -1;
            int label = label();
            c.expect(Token.Kind.RPAR);
            list.add(new Instruction.Catch(kind, tag, label));
        }
        return list;
    }

    // ---- plain instructions ----

    private Instruction plain() {
        Token t = c.next();
        if (!t.is(Token.Kind.KEYWORD)) {
            throw c.unexpected(t);
        }
        String m = t.text();
        switch (m) {
            case "block", "loop", "if", "else", "end", "try", "try_table", "catch", "catch_all", "delegate", "then",
                 "do" -> throw c.unexpected(t);
            default -> {
            }
        }
        Opcode op = Opcode.ofMnemonic(m);
        if (op == null) {
            throw c.unexpected(t);
        }
        if (op == Opcode.SELECT) {
            List<ValType> types = new ArrayList<>();
            boolean typed = false;
            while (c.atForm("result")) {
                c.p += 2;
                typed = true;
                while (!c.at(Token.Kind.RPAR)) {
                    types.add(module.valType());
                }
                c.expect(Token.Kind.RPAR);
            }
            return typed ? new Instruction.SelectTyped(types) : new Instruction.Simple(Opcode.SELECT);
        }
        return switch (op.imm()) {
            case NONE, ZERO_BYTE -> new Instruction.Simple(op);
            case LABEL -> new Instruction.Branch(op, label());
            case BR_TABLE -> {
                List<Integer> ls = new ArrayList<>();
                while (c.at(Token.Kind.NAT) || c.at(Token.Kind.ID)) {
                    ls.add(label());
                }
                if (ls.isEmpty()) {
                    throw c.unexpected(c.peek());
                }
                int def = ls.remove(ls.size() - 1);
                yield new Instruction.BranchTable(ls, def);
            }
            case INDEX -> new Instruction.Index(op, index(op, t));
            case INDEX_PAIR -> indexPair(op, t);
            case MEMARG -> new Instruction.Memory(op, memArg(op, false));
            case MEMARG_LANE -> {
                MemArg ma = memArg(op, true);
                yield new Instruction.MemoryLane(op, ma, lane());
            }
            case LANE -> new Instruction.Lane(op, lane());
            case SHUFFLE -> {
                byte[] lanes = new byte[16];
                for (int i = 0; i < 16; i++) {
                    Token lane = c.peek();
                    if (!isLiteral(lane)) {
                        throw c.error(lane, "invalid lane length");
                    }
                    c.p++;
                    long v = -1;
                    try {
                        v = lane.is(Token.Kind.NAT) ? Numbers.parseU64(lane.text()) : -1;
                    } catch (Numbers.NumberException e) {
                        v = -1;
                    }
                    if (v < 0 || v > 255) {
                        throw c.error(lane, "i8 constant out of range");
                    }
                    lanes[i] = (byte) v;
                }
                if (isLiteral(c.peek())) {
                    throw c.error(c.peek(), "invalid lane length");
                }
                yield new Instruction.Shuffle(V128.ofBytes(lanes));
            }
            case I32 -> new Instruction.I32Const((int) intLiteral(32));
            case I64 -> new Instruction.I64Const(intLiteral(64));
            case F32 -> new Instruction.F32Const(f32Literal());
            case F64 -> new Instruction.F64Const(f64Literal());
            case V128 -> new Instruction.V128Const(v128Literal());
            case SELECT_TYPES, BLOCK_TYPE, TRY_TABLE -> throw c.unexpected(t);
            case HEAP_TYPE -> {
                if (op == Opcode.REF_NULL) {
                    yield new Instruction.HeapTypeInstr(op, module.heapType());
                }
                RefType rt = module.refType();
                Opcode actual = op;
                if (rt.nullable()) {
                    actual = op == Opcode.REF_TEST ? Opcode.REF_TEST_NULL
                            : op == Opcode.REF_CAST ? Opcode.REF_CAST_NULL : op;
                }
                yield new Instruction.HeapTypeInstr(actual, rt.heapType());
            }
            case BR_ON_CAST -> {
                int l = label();
                RefType from = module.refType();
                RefType to = module.refType();
                yield new Instruction.BrOnCast(op, l, from, to);
            }
        };
    }

    private boolean atIndex() {
        return c.at(Token.Kind.NAT) || c.at(Token.Kind.ID);
    }

    /** The single index immediate; which index space it names follows from the mnemonic's family. */
    private int index(Opcode op, Token at) {
        String m = op.mnemonic();
        if (m.startsWith("local.")) {
            Token t = c.next();
            if (t.is(Token.Kind.ID)) {
                Integer i = locals.names.get(t.idName());
                if (i == null) {
                    throw c.error(t, "unknown local " + t.text());
                }
                return i;
            }
            c.p--;
            return c.u32();
        }
        if (m.startsWith("global.")) {
            return module.globals().resolve(c, c.next());
        }
        if (m.startsWith("table.")) {
            return atIndex() ? module.tables().resolve(c, c.next()) : 0;
        }
        if (m.startsWith("memory.")) {
            return atIndex() ? module.memories().resolve(c, c.next()) : 0;
        }
        if (m.startsWith("data.")) {
            return module.datas().resolve(c, c.next());
        }
        if (m.startsWith("elem.")) {
            return module.elems().resolve(c, c.next());
        }
        if (m.startsWith("struct.") || m.startsWith("array.") || m.equals("call_ref") || m.equals("return_call_ref")) {
            return module.typeIndex();
        }
        if (m.equals("call") || m.equals("return_call") || m.equals("ref.func")) {
            return module.funcs().resolve(c, c.next());
        }
        if (m.equals("throw") || m.equals("catch")) {
            return module.tags().resolve(c, c.next());
        }
        throw c.error(at, "unknown operator " + m);
    }

    /** Two index immediates, returned in binary order. */
    private Instruction indexPair(Opcode op, Token at) {
        String m = op.mnemonic();
        switch (m) {
            case "call_indirect", "return_call_indirect" -> {
                int table = atIndex() ? module.tables().resolve(c, c.next()) : 0;
                int type = module.plainTypeUse();
                return new Instruction.IndexPair(op, type, table);
            }
            case "table.init" -> {
                if (atIndex() && (c.peek(1).is(Token.Kind.NAT) || c.peek(1).is(Token.Kind.ID))) {
                    int table = module.tables().resolve(c, c.next());
                    int elem = module.elems().resolve(c, c.next());
                    return new Instruction.IndexPair(op, elem, table);
                }
                return new Instruction.IndexPair(op, module.elems().resolve(c, c.next()), 0);
            }
            case "memory.init" -> {
                if (atIndex() && (c.peek(1).is(Token.Kind.NAT) || c.peek(1).is(Token.Kind.ID))) {
                    int mem = module.memories().resolve(c, c.next());
                    int data = module.datas().resolve(c, c.next());
                    return new Instruction.IndexPair(op, data, mem);
                }
                return new Instruction.IndexPair(op, module.datas().resolve(c, c.next()), 0);
            }
            case "table.copy" -> {
                if (atIndex()) {
                    int dst = module.tables().resolve(c, c.next());
                    int src = module.tables().resolve(c, c.next());
                    return new Instruction.IndexPair(op, dst, src);
                }
                return new Instruction.IndexPair(op, 0, 0);
            }
            case "memory.copy" -> {
                if (atIndex()) {
                    int dst = module.memories().resolve(c, c.next());
                    int src = module.memories().resolve(c, c.next());
                    return new Instruction.IndexPair(op, dst, src);
                }
                return new Instruction.IndexPair(op, 0, 0);
            }
            default -> {
            }
        }
        if (m.startsWith("struct.")) {
            int type = module.typeIndex();
            return new Instruction.IndexPair(op, type, module.fieldIndex(type, c.next()));
        }
        if (m.equals("array.new_fixed")) {
            int type = module.typeIndex();
            return new Instruction.IndexPair(op, type, c.u32());
        }
        if (m.equals("array.copy")) {
            int dst = module.typeIndex();
            return new Instruction.IndexPair(op, dst, module.typeIndex());
        }
        if (m.endsWith("_data")) {
            int type = module.typeIndex();
            return new Instruction.IndexPair(op, type, module.datas().resolve(c, c.next()));
        }
        if (m.endsWith("_elem")) {
            int type = module.typeIndex();
            return new Instruction.IndexPair(op, type, module.elems().resolve(c, c.next()));
        }
        throw c.error(at, "unknown operator " + m);
    }

    // ---- memory immediates ----

    private static final Map<Opcode, Integer> NATURAL_ALIGN = new ConcurrentHashMap<>();
    private static final Pattern SIZED = Pattern.compile("(?:load|store|rmw|wait)(\\d+)");
    private static final Pattern EXTENDING = Pattern.compile("v128\\.load\\d+x\\d+_[su]");

    /** log2 of the access width, derived from the mnemonic (e.g. i64.load16_s -> 1, v128.load8x8_s -> 3). */
    static int naturalAlignLog2(Opcode op) {
        return NATURAL_ALIGN.computeIfAbsent(op, o -> {
            String m = o.mnemonic();
            if (EXTENDING.matcher(m).matches()) {
                return 3;
            }
            Matcher x = SIZED.matcher(m);
            if (x.find()) {
                return Integer.numberOfTrailingZeros(Integer.parseInt(x.group(1)) / 8);
            }
            if (m.startsWith("memory.atomic.notify")) {
                return 2;
            }
            if (m.startsWith("i32") || m.startsWith("f32")) {
                return 2;
            }
            if (m.startsWith("i64") || m.startsWith("f64")) {
                return 3;
            }
            return 4;
        });
    }

    private MemArg memArg(Opcode op, boolean laneFollows) {
        int memory = 0;
        if (c.at(Token.Kind.ID)) {
            memory = module.memories().resolve(c, c.next());
        } else if (c.at(Token.Kind.NAT)) {
            Token after = c.peek(1);
            boolean isMemory = !laneFollows || after.is(Token.Kind.NAT)
                    || after.is(Token.Kind.KEYWORD) && (after.text().startsWith("offset=")
                    || after.text().startsWith("align="));
            if (isMemory) {
                memory = module.memories().resolve(c, c.next());
            }
        }
        long offset = 0;
        int align = naturalAlignLog2(op);
        if (c.at(Token.Kind.KEYWORD) && c.peek().text().startsWith("offset=")) {
            Token t = c.next();
            String v = t.text().substring(7);
            if (Numbers.classify(v) != Token.Kind.NAT) {
                throw c.unexpected(t); // not a keyword at all: "unknown operator"
            }
            try {
                offset = Numbers.parseU64(v);
            } catch (Numbers.NumberException e) {
                throw c.error(t, "i64 constant out of range");
            }
        }
        if (c.at(Token.Kind.KEYWORD) && c.peek().text().startsWith("align=")) {
            Token t = c.next();
            String v = t.text().substring(6);
            if (Numbers.classify(v) != Token.Kind.NAT) {
                throw c.unexpected(t);
            }
            long a;
            try {
                a = Numbers.parseU64(v);
            } catch (Numbers.NumberException e) {
                throw c.error(t, "alignment must be a power of two");
            }
            if (a == 0 || (a & (a - 1)) != 0) {
                throw c.error(t, "alignment must be a power of two");
            }
            align = Long.numberOfTrailingZeros(a);
        }
        return new MemArg(align, offset, memory);
    }

    /** A lane index: a u8 nat. */
    private int lane() {
        Token t = c.peek();
        if (!t.is(Token.Kind.NAT)) {
            throw c.unexpected(t);
        }
        c.p++;
        try {
            long v = Numbers.parseU64(t.text());
            if (v > 255) {
                throw c.error(t, "i8 constant out of range");
            }
            return (int) v;
        } catch (Numbers.NumberException e) {
            throw c.error(t, "i8 constant out of range");
        }
    }

    private static boolean isLiteral(Token t) {
        return t.isNumber() || t.is(Token.Kind.KEYWORD)
                && (t.text().equals("inf") || t.text().equals("nan") || t.text().startsWith("nan:"));
    }

    // ---- literals ----

    private long intLiteral(int bits) {
        Token t = c.next();
        if (!t.is(Token.Kind.NAT) && !t.is(Token.Kind.INT)) {
            throw c.unexpected(t);
        }
        try {
            return Numbers.parseInt(t.text(), bits);
        } catch (Numbers.NumberException e) {
            throw c.error(t, e.getMessage());
        }
    }

    private Token floatToken() {
        Token t = c.next();
        if (isLiteral(t) && (!t.is(Token.Kind.KEYWORD) || TokenCursor.isKnownKeyword(t.text()))) {
            return t;
        }
        throw c.unexpected(t);
    }

    private int f32Literal() {
        Token t = floatToken();
        try {
            return Numbers.parseF32(t.text());
        } catch (Numbers.NumberException e) {
            throw c.error(t, e.getMessage());
        }
    }

    private long f64Literal() {
        Token t = floatToken();
        try {
            return Numbers.parseF64(t.text());
        } catch (Numbers.NumberException e) {
            throw c.error(t, e.getMessage());
        }
    }

    private V128 v128Literal() {
        Token shape = c.next();
        int lanes = Numbers.laneCount(shape.text());
        if (!shape.is(Token.Kind.KEYWORD) || lanes < 0) {
            throw c.unexpected(shape);
        }
        List<String> texts = new ArrayList<>(lanes);
        for (int i = 0; i < lanes; i++) {
            Token t = c.peek();
            if (!isLiteral(t) || t.is(Token.Kind.KEYWORD) && !TokenCursor.isKnownKeyword(t.text())) {
                if (t.is(Token.Kind.RESERVED) || t.is(Token.Kind.KEYWORD)) {
                    throw c.unexpected(t);
                }
                throw c.error(t, "wrong number of lane literals");
            }
            texts.add(c.next().text());
        }
        if (isLiteral(c.peek())) {
            throw c.error(c.peek(), "wrong number of lane literals");
        }
        try {
            return Numbers.v128(shape.text(), texts);
        } catch (Numbers.NumberException e) {
            throw c.error(shape, e.getMessage());
        }
    }
}
