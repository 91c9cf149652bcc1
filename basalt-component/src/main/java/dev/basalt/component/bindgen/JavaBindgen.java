package dev.basalt.component.bindgen;

import dev.basalt.component.ComponentException;
import dev.basalt.component.wit.Function;
import dev.basalt.component.wit.Resolve;
import dev.basalt.component.wit.TypeDef;
import dev.basalt.component.wit.WitType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Generates typed Java bindings for a WIT world: one Java file per interface the world uses (and one for the world
 * itself), each holding
 * <ul>
 *   <li>the interface's types: records as Java records, variants as sealed interfaces with a record per case,
 *       enums as Java enums, flags as an enum used in an {@code EnumSet}, resources as {@code AutoCloseable}
 *       classes around a {@link dev.basalt.component.ResourceHandle}; {@code option} is {@code Optional},
 *       {@code result} {@link dev.basalt.component.binding.Result}, {@code tuple}
 *       {@link dev.basalt.component.binding.Tuples}, {@code list<u8>} {@code byte[]}, other lists {@code List};</li>
 *   <li>for an imported interface, {@code Imports} (what the host implements) and {@code register}, which defines
 *       the implementation through a {@link dev.basalt.component.binding.HostRegistrar};</li>
 *   <li>for an exported interface, {@code Exports}: typed methods that call the component through a
 *       {@link dev.basalt.component.binding.ComponentCaller}, and methods on exported resources.</li>
 * </ul>
 * Every named type has {@code lower} (Java to {@link dev.basalt.component.ComponentValue}) and {@code lift} (back,
 * with the shape checked). Names: types in PascalCase, functions and fields in camelCase, enum constants in
 * UPPER_SNAKE_CASE; a name that is a Java keyword or clashes with a name the generated code uses gets a trailing
 * underscore.
 *
 * <p>Async: {@code stream<T>} and {@code future<T>} are {@link dev.basalt.component.binding.TypedStream} and
 * {@link dev.basalt.component.binding.TypedFuture} (a readable end with its element conversion; the host reads them
 * or makes writers whose readable ends it passes), {@code error-context} is
 * {@link dev.basalt.component.ComponentValue.ErrorContext}. An exported {@code async func} is called like any other
 * (the call runs the store's event loop until the component returns); an imported one returns a
 * {@link java.util.concurrent.CompletionStage} of its result and is defined with
 * {@link dev.basalt.component.binding.HostRegistrar#defineAsync}.
 */
public final class JavaBindgen {
    /** {@code javaPackage}: the package of the generated classes. */
    public record Options(String javaPackage) {
    }

    private static final Set<String> JAVA_KEYWORDS = Set.of("abstract", "assert", "boolean", "break", "byte", "case",
            "catch", "char", "class", "const", "continue", "default", "do", "double", "else", "enum", "extends", "final",
            "finally", "float", "for", "goto", "if", "implements", "import", "instanceof", "int", "interface", "long",
            "native", "new", "package", "private", "protected", "public", "return", "short", "static", "strictfp",
            "super", "switch", "synchronized", "this", "throw", "throws", "transient", "try", "void", "volatile",
            "while", "true", "false", "null", "var", "record", "yield", "sealed", "permits", "_");
    /** Simple names the generated code refers to; generated types must not shadow them. */
    private static final Set<String> RESERVED_TYPES = Set.of("String", "Object", "List", "Optional", "EnumSet",
            "Result", "ComponentValue", "Bindings", "ComponentCaller", "HostRegistrar", "ResourceHandle",
            "ComponentException", "Tuples", "Override", "Void", "Boolean", "Byte", "Short", "Integer", "Long", "Float",
            "Double", "Character", "Math", "Objects", "Imports", "Exports", "AutoCloseable", "Exception", "ValueType",
            "ComponentFuncType", "ResourceType", "TypedStream", "TypedFuture", "CompletionStage");
    /** Names of parameters and locals the generated methods use. */
    private static final Set<String> RESERVED_VALUES = Set.of("caller", "impl", "args", "registrar", "v", "f",
            "result", "handle");

    /** Not every file uses every import, and lambdas name values they do not all read. */
    private static final String SUPPRESS = "@SuppressWarnings(\"unused\")";

    private final Resolve resolve;
    private final Resolve.World world;
    private final Options options;
    /** Java class per interface (and null key for the world itself). */
    private final Map<Resolve.InterfaceId, String> interfaceClass = new LinkedHashMap<>();
    private final Map<Resolve.InterfaceId, String> importedAs = new HashMap<>();
    private final Map<Resolve.InterfaceId, String> exportedAs = new HashMap<>();
    private final String worldClass;

    private JavaBindgen(Resolve resolve, Resolve.WorldId worldId, Options options) {
        this.resolve = resolve;
        this.world = resolve.world(worldId);
        this.options = options;
        for (Resolve.WorldItem item : world.imports()) {
            if (item instanceof Resolve.WorldItem.InterfaceItem i) {
                importedAs.put(i.id(), resolve.keyNameOf(item));
                interfaceClass.put(i.id(), null);
            }
        }
        for (Resolve.WorldItem item : world.exports()) {
            if (item instanceof Resolve.WorldItem.InterfaceItem i) {
                exportedAs.put(i.id(), resolve.keyNameOf(item));
                interfaceClass.put(i.id(), null);
            }
        }
        // Types may refer to interfaces the world does not list (through `use`): they get classes with types only.
        for (int i = 0; i < resolve.types().size(); i++) {
            if (resolve.types().get(i).owner() instanceof TypeDef.Owner.OfInterface o && isUsed(o.id())) {
                interfaceClass.putIfAbsent(o.id(), null);
            }
        }
        Set<String> taken = new HashSet<>();
        Map<String, Integer> simpleCount = new HashMap<>();
        for (Resolve.InterfaceId id : interfaceClass.keySet()) {
            simpleCount.merge(simpleName(id), 1, Integer::sum);
        }
        for (Resolve.InterfaceId id : interfaceClass.keySet()) {
            String name = simpleName(id);
            if (simpleCount.get(name) > 1) {
                Resolve.Interface iface = resolve.iface(id);
                var pkg = resolve.pkg(iface.pkg()).name();
                name = pascal(pkg.namespace()) + pascal(pkg.name()) + name;
            }
            interfaceClass.put(id, unique(typeName(name), taken));
        }
        this.worldClass = unique(typeName(pascal(world.name())), taken);
    }

    /**
     * Generates the bindings of {@code world}: file paths relative to a source root ({@code com/example/Api.java})
     * mapped to their Java source, in a stable order.
     */
    public static Map<String, String> generate(Resolve resolve, Resolve.WorldId world, Options options) {
        return new JavaBindgen(resolve, world, options).generateAll();
    }

    private boolean isUsed(Resolve.InterfaceId id) {
        // An interface is used when the world refers to it directly; types reached only through `use` chains are
        // handled by giving every interface that owns a referenced definition a class (see typeRef).
        return importedAs.containsKey(id) || exportedAs.containsKey(id);
    }

    private String simpleName(Resolve.InterfaceId id) {
        Resolve.Interface iface = resolve.iface(id);
        String key = iface.name().orElseGet(() -> importedAs.getOrDefault(id, exportedAs.getOrDefault(id, "inline")));
        return pascal(key);
    }

    private static String unique(String name, Set<String> taken) {
        String n = name;
        for (int i = 2; !taken.add(n); i++) {
            n = name + i;
        }
        return n;
    }

    private Map<String, String> generateAll() {
        Map<String, String> out = new TreeMap<>();
        // Generating may discover interfaces owning `use`d definitions; iterate until no new class appears.
        Set<Resolve.InterfaceId> done = new HashSet<>();
        String dir = options.javaPackage().replace('.', '/');
        boolean progress = true;
        while (progress) {
            progress = false;
            for (Resolve.InterfaceId id : List.copyOf(interfaceClass.keySet())) {
                if (done.add(id)) {
                    out.put(dir + "/" + interfaceClass.get(id) + ".java", interfaceFile(id));
                    progress = true;
                }
            }
        }
        out.put(dir + "/" + worldClass + ".java", worldFile());
        return out;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Files

    private String interfaceFile(Resolve.InterfaceId id) {
        Resolve.Interface iface = resolve.iface(id);
        String cls = interfaceClass.get(id);
        String instance = importedAs.getOrDefault(id, exportedAs.getOrDefault(id, resolve.interfaceName(id)));
        Source s = header();
        s.line("/** Bindings for the WIT interface {@code " + javadoc(instance) + "}" + docs(iface.docs()) + " */");
        s.line(SUPPRESS);
        s.open("public final class " + cls);
        s.line("/** The instance name of this interface in the world. */");
        s.line("public static final String NAME = " + literal(instance) + ";");
        s.blank();
        s.open("private " + cls + "()").close();
        for (Resolve.TypeId t : iface.types()) {
            typeDefinition(s, t, exportedAs.containsKey(id));
        }
        List<Function> functions = iface.functions();
        if (importedAs.containsKey(id)) {
            imports(s, functions);
        }
        if (exportedAs.containsKey(id)) {
            exports(s, functions);
        }
        s.close();
        return s.toString();
    }

    private String worldFile() {
        Source s = header();
        s.line("/** Bindings for the WIT world {@code " + javadoc(world.name()) + "}" + docs(world.docs()) + " */");
        s.line(SUPPRESS);
        s.open("public final class " + worldClass);
        s.line("/** World-level functions are called and defined under the empty instance name. */");
        s.line("public static final String NAME = \"\";");
        s.blank();
        s.open("private " + worldClass + "()").close();
        for (Resolve.WorldItem item : world.imports()) {
            if (item instanceof Resolve.WorldItem.TypeItem t && resolve.type(t.id()).owner()
                    instanceof TypeDef.Owner.OfWorld) {
                typeDefinition(s, t.id(), false);
            }
        }
        List<Function> imported = new ArrayList<>();
        List<Function> exported = new ArrayList<>();
        for (Resolve.WorldItem item : world.imports()) {
            if (item instanceof Resolve.WorldItem.FunctionItem f) {
                imported.add(f.function());
            }
        }
        for (Resolve.WorldItem item : world.exports()) {
            if (item instanceof Resolve.WorldItem.FunctionItem f) {
                exported.add(f.function());
            }
        }
        if (!imported.isEmpty()) {
            imports(s, imported);
        }
        if (!exported.isEmpty()) {
            exports(s, exported);
        }
        s.blank();
        s.line("/** The interfaces of this world: imports the host implements, exports it calls. */");
        s.open("public static String describe()");
        StringBuilder text = new StringBuilder();
        for (Resolve.WorldItem item : world.imports()) {
            if (!(item instanceof Resolve.WorldItem.TypeItem)) {
                text.append("import ").append(resolve.keyNameOf(item)).append("\\n");
            }
        }
        for (Resolve.WorldItem item : world.exports()) {
            text.append("export ").append(resolve.keyNameOf(item)).append("\\n");
        }
        s.line("return \"" + text + "\";");
        s.close();
        s.close();
        return s.toString();
    }

    private Source header() {
        Source s = new Source();
        s.line("// Generated by basalt bindgen from WIT. Do not edit: regenerate instead.");
        s.line("package " + options.javaPackage() + ";");
        s.blank();
        for (String imp : List.of("dev.basalt.component.ComponentException", "dev.basalt.component.ComponentValue",
                "dev.basalt.component.ComponentFuncType", "dev.basalt.component.ResourceHandle",
                "dev.basalt.component.ResourceType", "dev.basalt.component.ValueType",
                "dev.basalt.component.binding.Bindings",
                "dev.basalt.component.binding.ComponentCaller", "dev.basalt.component.binding.HostRegistrar",
                "dev.basalt.component.binding.Result", "dev.basalt.component.binding.Tuples",
                "dev.basalt.component.binding.TypedFuture", "dev.basalt.component.binding.TypedStream",
                "java.util.EnumSet", "java.util.List", "java.util.Optional", "java.util.concurrent.CompletionStage")) {
            s.line("import " + imp + ";");
        }
        s.blank();
        return s;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Types

    private void typeDefinition(Source s, Resolve.TypeId id, boolean exported) {
        TypeDef def = resolve.type(id);
        String name = typeName(pascal(def.name()));
        switch (def.kind()) {
            case TypeDef.Use u -> {
                // A `use`d name: code refers to the defining interface's type.
            }
            case TypeDef.Alias a -> {
                // Java has no type aliases: uses of the alias name the target type.
            }
            case TypeDef.Record r -> {
                s.blank();
                s.line("/** WIT record {@code " + def.name() + "}" + docs(def.docs()) + " */");
                List<String> components = new ArrayList<>();
                for (TypeDef.Field f : r.fields()) {
                    components.add(javaType(f.type(), false) + " " + valueName(f.name()));
                }
                s.open("public record " + name + "(" + String.join(", ", components) + ")");
                List<String> fieldTypes = new ArrayList<>();
                for (TypeDef.Field f : r.fields()) {
                    fieldTypes.add("ValueType.field(" + literal(f.name()) + ", " + valueTypeExpr(f.type()) + ")");
                }
                s.line("public static final ValueType TYPE = ValueType.record(" + String.join(", ", fieldTypes) + ");");
                s.blank();
                s.open("public static ComponentValue lower(" + name + " v)");
                List<String> fields = new ArrayList<>();
                for (TypeDef.Field f : r.fields()) {
                    fields.add("ComponentValue.field(" + literal(f.name()) + ", "
                            + lowerExpr(f.type(), "v." + valueName(f.name()) + "()", 1) + ")");
                }
                s.line("return ComponentValue.record(" + String.join(", ", fields) + ");");
                s.close();
                s.blank();
                s.open("public static " + name + " lift(ComponentValue v, ComponentCaller caller)");
                StringBuilder names = new StringBuilder();
                for (TypeDef.Field f : r.fields()) {
                    names.append(", ").append(literal(f.name()));
                }
                s.line("List<ComponentValue> f = Bindings.record(v" + names + ");");
                List<String> args = new ArrayList<>();
                for (int i = 0; i < r.fields().size(); i++) {
                    args.add(liftExpr(r.fields().get(i).type(), "f.get(" + i + ")", 1));
                }
                s.line("return new " + name + "(" + String.join(", ", args) + ");");
                s.close();
                s.close();
            }
            case TypeDef.Variant v -> variant(s, def, name, v);
            case TypeDef.Enum e -> labelsEnum(s, def, name, e.cases(), false);
            case TypeDef.Flags f -> labelsEnum(s, def, name, f.flags(), true);
            case TypeDef.Resource r -> resource(s, id, def, name, exported);
        }
    }

    private void variant(Source s, TypeDef def, String name, TypeDef.Variant v) {
        s.blank();
        s.line("/** WIT variant {@code " + def.name() + "}" + docs(def.docs()) + " */");
        s.open("public sealed interface " + name);
        List<String> caseNames = new ArrayList<>();
        Set<String> taken = new HashSet<>(Set.of(name));
        for (TypeDef.Case c : v.cases()) {
            String caseName = unique(typeName(pascal(c.name())), taken);
            caseNames.add(caseName);
            s.line("/** Case {@code " + c.name() + "}" + docs(c.docs()) + " */");
            String component = c.type().map(t -> javaType(t, false) + " value").orElse("");
            s.open("record " + caseName + "(" + component + ") implements " + name).close();
        }
        List<String> caseTypes = new ArrayList<>();
        for (TypeDef.Case c : v.cases()) {
            caseTypes.add("ValueType.caseOf(" + literal(c.name()) + ", " + c.type().map(this::valueTypeExpr).orElse("null")
                    + ")");
        }
        s.line("ValueType TYPE = ValueType.variant(" + String.join(", ", caseTypes) + ");");
        s.blank();
        s.open("static ComponentValue lower(" + name + " v)");
        s.open("return switch (v)");
        for (int i = 0; i < v.cases().size(); i++) {
            TypeDef.Case c = v.cases().get(i);
            String payload = c.type().map(t -> ", " + lowerExpr(t, "x.value()", 1)).orElse("");
            s.line("case " + caseNames.get(i) + " x -> ComponentValue.variant(" + literal(c.name()) + payload + ");");
        }
        s.closeWith("};");
        s.close();
        s.blank();
        s.open("static " + name + " lift(ComponentValue v, ComponentCaller caller)");
        s.line("ComponentValue.VariantValue x = Bindings.as(ComponentValue.VariantValue.class, v, "
                + literal("variant " + def.name()) + ");");
        s.open("return switch (x.caseName())");
        for (int i = 0; i < v.cases().size(); i++) {
            TypeDef.Case c = v.cases().get(i);
            String payload = c.type().map(t -> liftExpr(t,
                    "x.payload().orElseThrow(() -> new ComponentException(\"case " + c.name() + " needs a payload\"))",
                    1)).orElse("");
            s.line("case " + literal(c.name()) + " -> new " + caseNames.get(i) + "(" + payload + ");");
        }
        s.line("default -> throw new ComponentException(\"unknown case \" + x.caseName() + \" of variant "
                + def.name() + "\");");
        s.closeWith("};");
        s.close();
        s.close();
    }

    private void labelsEnum(Source s, TypeDef def, String name, List<TypeDef.Label> labels, boolean flags) {
        s.blank();
        s.line("/** WIT " + (flags ? "flags" : "enum") + " {@code " + def.name() + "}" + docs(def.docs())
                + (flags ? " (values are {@code EnumSet<" + name + ">})" : "") + " */");
        s.open("public enum " + name);
        Set<String> taken = new HashSet<>();
        for (int i = 0; i < labels.size(); i++) {
            String constant = unique(constantName(labels.get(i).name()), taken);
            s.line(constant + "(" + literal(labels.get(i).name()) + ")" + (i + 1 < labels.size() ? "," : ";"));
        }
        if (labels.isEmpty()) {
            s.line(";");
        }
        s.blank();
        s.line("public static final ValueType TYPE = ValueType." + (flags ? "flags(" : "enumOf(") + String.join(", ",
                labels.stream().map(l -> literal(l.name())).toList()) + ");");
        s.line("private final String label;");
        s.blank();
        s.open(name + "(String label)");
        s.line("this.label = label;");
        s.close();
        s.blank();
        s.line("/** The name in WIT. */");
        s.open("public String label()");
        s.line("return label;");
        s.close();
        s.blank();
        s.open("static " + name + " of(String label)");
        s.open("for (" + name + " c : values())");
        s.open("if (c.label.equals(label))");
        s.line("return c;");
        s.close();
        s.close();
        s.line("throw new ComponentException(\"unknown " + (flags ? "flag" : "case") + " \" + label + \" of "
                + def.name() + "\");");
        s.close();
        s.blank();
        if (flags) {
            s.open("public static ComponentValue lowerSet(EnumSet<" + name + "> v)");
            s.line("return ComponentValue.flags(v.stream().map(" + name + "::label).toArray(String[]::new));");
            s.close();
            s.blank();
            s.open("public static EnumSet<" + name + "> liftSet(ComponentValue v, ComponentCaller caller)");
            s.line("EnumSet<" + name + "> out = EnumSet.noneOf(" + name + ".class);");
            s.line("Bindings.as(ComponentValue.FlagsValue.class, v, " + literal("flags " + def.name())
                    + ").labels().forEach(l -> out.add(of(l)));");
            s.line("return out;");
        } else {
            s.open("public static ComponentValue lower(" + name + " v)");
            s.line("return ComponentValue.enumValue(v.label);");
            s.close();
            s.blank();
            s.open("public static " + name + " lift(ComponentValue v, ComponentCaller caller)");
            s.line("return of(Bindings.as(ComponentValue.EnumValue.class, v, " + literal("enum " + def.name())
                    + ").label());");
        }
        s.close();
        s.close();
    }

    private void resource(Source s, Resolve.TypeId id, TypeDef def, String name, boolean exported) {
        s.blank();
        s.line("/**");
        s.line(" * WIT resource {@code " + def.name() + "}" + docs(def.docs()) + " {@link #close()} drops the handle");
        s.line(" * (running the resource's destructor when the host owns it).");
        s.line(" */");
        s.open("public static final class " + name + " implements AutoCloseable");
        s.line("/** The resource type when the host implements {@code " + def.name() + "} (an import). */");
        s.line("public static final ResourceType TYPE = ResourceType.host(" + literal(def.name()) + ");");
        s.line("private final ResourceHandle handle;");
        s.line("/** How to call the resource's methods: the exporting component, or null for a host resource. */");
        s.line("private final ComponentCaller caller;");
        s.blank();
        s.open("public " + name + "(ResourceHandle handle, ComponentCaller caller)");
        s.line("this.handle = java.util.Objects.requireNonNull(handle, \"handle\");");
        s.line("this.caller = caller;");
        s.close();
        s.blank();
        s.open("public ResourceHandle handle()");
        s.line("return handle;");
        s.close();
        s.blank();
        s.line("@Override");
        s.open("public void close()");
        s.open("if (handle.isLive())");
        s.line("handle.drop();");
        s.close();
        s.close();
        s.blank();
        s.open("public static " + name + " lift(ComponentValue v, ComponentCaller caller)");
        s.open("return switch (v)");
        s.line("case ComponentValue.Own o -> new " + name + "(o.handle(), caller);");
        s.line("case ComponentValue.Borrow b -> new " + name + "(b.handle(), caller);");
        s.line("default -> throw new ComponentException(\"expected a handle to " + def.name() + ", got \" + v);");
        s.closeWith("};");
        s.close();
        if (exported) {
            Resolve.InterfaceId owner = ((TypeDef.Owner.OfInterface) def.owner()).id();
            for (Function fn : resolve.iface(owner).functions()) {
                if (fn.kind() instanceof Function.Kind.Method m && resolve.definition(m.resource()).equals(id)) {
                    s.blank();
                    List<Function.Param> rest = fn.params().subList(1, fn.params().size());
                    s.open("public " + returnType(fn) + " " + valueName(camel(fn.itemName())) + "("
                            + params(rest) + ")");
                    s.open("if (this.caller == null)");
                    s.line("throw new ComponentException(\"" + fn.name() + ": this " + def.name()
                            + " is not a component's resource\");");
                    s.close();
                    List<String> lowered = new ArrayList<>();
                    lowered.add("ComponentValue.borrow(handle)");
                    for (Function.Param p : rest) {
                        lowered.add(lowerExpr(p.type(), valueName(p.name()), 1));
                    }
                    callAndReturn(s, fn, "this.caller", lowered);
                    s.close();
                }
            }
        }
        s.close();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Functions

    private void imports(Source s, List<Function> functions) {
        s.blank();
        s.line("/** What the host implements for this import. */");
        s.open("public interface Imports");
        for (Function fn : functions) {
            List<String> ps = new ArrayList<>();
            if (fn.kind() instanceof Function.Kind.Method) {
                ps.add(javaType(fn.params().getFirst().type(), false) + " self");
                ps.add(params(fn.params().subList(1, fn.params().size())));
            } else {
                ps.add(params(fn.params()));
            }
            s.line(docs(fn.docs()).isEmpty() ? "/** {@code " + fn.name() + "} */"
                    : "/**" + docs(fn.docs()) + " */");
            String result = fn.async()
                    ? "CompletionStage<" + fn.result().map(t -> javaType(t, true)).orElse("Void") + ">"
                    : returnType(fn);
            s.line(result + " " + importMethodName(fn) + "(" + String.join(", ",
                    ps.stream().filter(p -> !p.isEmpty()).toList()) + ");");
        }
        s.close();
        s.blank();
        s.line("/** Defines every function of {@code impl} under {@link #NAME}. */");
        s.open("public static void register(HostRegistrar registrar, Imports impl)");
        defineFunctions(s, functions, false);
        s.close();
        s.blank();
        s.line("/**");
        s.line(" * Defines every function under {@link #NAME}, each call going to the implementation {@code implFor} "
                + "gives for the");
        s.line(" * calling guest's store: per-guest host state, e.g. {@code store -> ((Tenant) store.data()).impl()}. "
                + "Needs a registrar");
        s.line(" * that knows the caller's store ({@link HostRegistrar#of}).");
        s.line(" */");
        s.open("public static void registerPerStore(HostRegistrar registrar, "
                + "java.util.function.Function<? super dev.basalt.Store<?>, ? extends Imports> implFor)");
        defineFunctions(s, functions, true);
        s.close();
        for (Function fn : functions) {
            resultWriterFactory(s, fn);
        }
    }

    /**
     * The body of {@code register} ({@code impl} given) or {@code registerPerStore} ({@code impl} asked of
     * {@code implFor} for each call's store).
     */
    private void defineFunctions(Source s, List<Function> functions, boolean perStore) {
        s.line("ComponentCaller caller = null;");
        for (Function fn : functions) {
            if (fn.kind() instanceof Function.Kind.Constructor c) {
                s.line("registrar.defineResource(NAME, " + literal(resolve.type(c.resource()).name()) + ", "
                        + named(c.resource(), false) + ".TYPE);");
            }
        }
        for (Function fn : functions) {
            List<String> paramTypes = new ArrayList<>();
            for (Function.Param p : fn.params()) {
                paramTypes.add("new ComponentFuncType.Param(" + literal(p.name()) + ", " + valueTypeExpr(p.type()) + ")");
            }
            String funcType = fn.async()
                    ? "new ComponentFuncType(List.of(" + String.join(", ", paramTypes) + "), "
                            + optionalValueType(fn.result()) + ", true)"
                    : "ComponentFuncType.of(List.of(" + String.join(", ", paramTypes) + "), "
                            + fn.result().map(this::valueTypeExpr).orElse("null") + ")";
            s.open("registrar." + (fn.async() ? "defineAsync" : "define") + (perStore ? "WithStore" : "") + "(NAME, "
                    + literal(fn.name()) + ", " + funcType + ", " + (perStore ? "(store, args)" : "args") + " ->");
            s.line("Bindings.arguments(args, " + fn.params().size() + ", " + literal(fn.name()) + ");");
            if (perStore) {
                s.line("Imports impl = java.util.Objects.requireNonNull(implFor.apply(store), \"no implementation of "
                        + fn.name() + " for the calling store\");");
            }
            List<String> lifted = new ArrayList<>();
            for (int i = 0; i < fn.params().size(); i++) {
                lifted.add(liftExpr(fn.params().get(i).type(), "args.get(" + i + ")", 1));
            }
            String call = "impl." + importMethodName(fn) + "(" + String.join(", ", lifted) + ")";
            if (fn.async()) {
                // the result is lowered when the host's future completes, on the thread driving the event loop
                s.line("return " + call + ".thenApply(result -> " + fn.result()
                        .map(t -> "Optional.<ComponentValue>of(" + lowerExpr(t, "result", 1) + ")")
                        .orElse("Optional.<ComponentValue>empty()")
                        + ");");
            } else if (fn.result().isPresent()) {
                s.line(javaType(fn.result().get(), false) + " result = " + call + ";");
                s.line("return Optional.of(" + lowerExpr(fn.result().get(), "result", 1) + ");");
            } else {
                s.line(call + ";");
                s.line("return Optional.empty();");
            }
            s.closeWith("});");
        }
    }

    /**
     * For an imported function whose result is a {@code stream<T>} or {@code future<T>}: a static factory of the
     * writer whose readable end its implementation returns ({@code new<Function>ResultStream()} /
     * {@code ...Future()}), made in the calling guest's store ({@link dev.basalt.component.binding.Bindings#hostCallStore}).
     */
    private void resultWriterFactory(Source s, Function fn) {
        if (fn.result().isEmpty()) {
            return;
        }
        WriterShape w = WriterShape.of(unaliased(fn.result().get()));
        if (w == null) {
            return;
        }
        s.blank();
        s.line("/**");
        s.line(" * A new {@code " + w.kind().toLowerCase(Locale.ROOT) + "} for the result of {@code " + fn.name()
                + "}: call it in the implementation (it is made in the");
        s.line(" * calling guest's store), return its {@code readableEnd()} and write " + (w.kind().equals("Stream")
                ? "the elements (close it to end the stream)." : "the value."));
        s.line(" */");
        String name = valueName("new" + pascal(fn.name()) + "Result" + w.kind());
        writerFactoryBody(s, w, name, "", "Bindings.hostCallStore()");
        s.blank();
        s.line("/** As {@link #" + name + "()}, made in {@code store}: the store a {@code registerPerStore} "
                + "implementation was given. */");
        writerFactoryBody(s, w, name, "dev.basalt.Store<?> store", "store");
    }

    private void exports(Source s, List<Function> functions) {
        s.blank();
        s.line("/** Calls this export of a component instance. */");
        s.open("public static final class Exports");
        s.line("private final ComponentCaller caller;");
        s.blank();
        s.open("public Exports(ComponentCaller caller)");
        s.line("this.caller = java.util.Objects.requireNonNull(caller, \"caller\");");
        s.close();
        // names of the ...Async forms, clear of the other methods' names
        Set<String> methodNames = new HashSet<>();
        for (Function fn : functions) {
            methodNames.add(importMethodName(fn));
        }
        Map<Function, String> asyncNames = new HashMap<>();
        for (Function fn : functions) {
            if (fn.async() && !(fn.kind() instanceof Function.Kind.Method)) {
                asyncNames.put(fn, unique(importMethodName(fn) + "Async", methodNames));
            }
        }
        for (Function fn : functions) {
            if (fn.kind() instanceof Function.Kind.Method) {
                continue; // a method of the resource class
            }
            s.blank();
            s.line(docs(fn.docs()).isEmpty() ? "/** {@code " + fn.name() + "} */" : "/**" + docs(fn.docs()) + " */");
            s.open("public " + returnType(fn) + " " + importMethodName(fn) + "(" + params(fn.params()) + ")");
            List<String> lowered = new ArrayList<>();
            for (Function.Param p : fn.params()) {
                lowered.add(lowerExpr(p.type(), valueName(p.name()), 1));
            }
            callAndReturn(s, fn, "this.caller", lowered);
            s.close();
            if (fn.async()) {
                startWithoutWaiting(s, fn, lowered, asyncNames);
            }
            for (Function.Param p : fn.params()) {
                writerFactory(s, fn, p, methodNames);
            }
        }
        s.close();
    }

    /** {@code t} with aliases followed to the type they name. */
    private WitType unaliased(WitType t) {
        WitType x = t;
        for (int i = 0; i < 100 && x instanceof WitType.Ref r && definitionOf(r.id()).kind() instanceof TypeDef.Alias a;
                i++) {
            x = a.target();
        }
        return x;
    }

    /**
     * For a {@code stream<T>} or {@code future<T>} parameter: a static factory of the writer whose readable end the
     * caller passes ({@code new<Function><Param>Stream(store)} / {@code ...Future(store)}), with the element type and
     * its conversion filled in, so that no caller spells a {@link dev.basalt.component.ValueType} or a lowering.
     * Streams and futures without elements get none: they carry no values to convert (use
     * {@code StreamWriter}/{@code FutureWriter} directly).
     */
    private void writerFactory(Source s, Function fn, Function.Param p, Set<String> methodNames) {
        WriterShape w = WriterShape.of(unaliased(p.type()));
        if (w == null) {
            return;
        }
        String name = unique(valueName("new" + pascal(fn.name()) + pascal(p.name()) + w.kind()), methodNames);
        s.blank();
        s.line("/**");
        s.line(" * A new {@code " + w.kind().toLowerCase(Locale.ROOT) + "} the host writes, for {@code " + fn.name()
                + "}'s parameter {@code " + p.name() + "}: pass its");
        s.line(" * {@code readableEnd()} (once) and " + (w.kind().equals("Stream")
                ? "write the elements (close it to end the stream)." : "write the value."));
        s.line(" * Made in {@code store}, on the thread that drives its event loop.");
        s.line(" */");
        writerFactoryBody(s, w, name, "dev.basalt.Store<?> store", "store");
    }

    /** A {@code stream<T>} or {@code future<T>} with elements: what the writer factories are generated for. */
    private record WriterShape(String kind, WitType payload) {
        /** The shape of {@code t}, or null when it is neither a stream nor a future, or carries no elements. */
        static WriterShape of(WitType t) {
            Optional<WitType> payload;
            String kind;
            if (t instanceof WitType.StreamOf st) {
                payload = st.payload();
                kind = "Stream";
            } else if (t instanceof WitType.FutureOf fu) {
                payload = fu.payload();
                kind = "Future";
            } else {
                return null;
            }
            return payload.map(e -> new WriterShape(kind, e)).orElse(null);
        }
    }

    /** A writer factory's method: a {@code TypedStream}/{@code TypedFuture} writer in {@code storeExpr}. */
    private void writerFactoryBody(Source s, WriterShape w, String name, String params, String storeExpr) {
        String element = javaType(w.payload(), true);
        s.open("public static Typed" + w.kind() + ".Writer<" + element + "> " + name + "(" + params + ")");
        s.line("return Typed" + w.kind() + ".<" + element + ">writer(" + storeExpr + ", Optional.of("
                + valueTypeExpr(w.payload()) + "), e1 -> " + lowerExpr(w.payload(), "e1", 2) + ");");
        s.close();
    }

    /**
     * The {@code ...Async} form of an exported {@code async func}: starts the call and returns a future of its
     * result, so that several calls of one store can be in progress at once.
     */
    private void startWithoutWaiting(Source s, Function fn, List<String> lowered, Map<Function, String> asyncNames) {
        String type = fn.result().map(t -> javaType(t, true)).orElse("Void");
        s.blank();
        s.line("/** Starts {@code " + fn.name() + "} without waiting: the future completes once the component returns "
                + "(run the store's event loop, e.g. {@code ComponentEventLoop.join}). */");
        s.open("public java.util.concurrent.CompletableFuture<" + type + "> " + asyncNames.get(fn) + "("
                + params(fn.params()) + ")");
        s.line("ComponentCaller caller = this.caller;");
        String start = "caller.callAsync(NAME, " + literal(fn.name()) + ", List.of(" + String.join(", ", lowered) + "))";
        if (fn.result().isPresent()) {
            // v and result are reserved names: no WIT parameter is spelled so in Java
            s.open("return " + start + ".thenApply(v ->");
            s.line("ComponentValue result = Bindings.result(v, " + literal(fn.name()) + ");");
            s.line("return " + liftExpr(fn.result().get(), "result", 1) + ";");
            s.closeWith("});");
        } else {
            s.line("return " + start + ".thenApply(v -> (Void) null);");
        }
        s.close();
    }

    private void callAndReturn(Source s, Function fn, String caller, List<String> lowered) {
        String call = caller + ".call(NAME, " + literal(fn.name()) + ", List.of(" + String.join(", ", lowered) + "))";
        if (fn.result().isPresent()) {
            s.line("ComponentCaller caller = " + caller + ";");
            s.line("ComponentValue result = Bindings.result(" + call + ", " + literal(fn.name()) + ");");
            s.line("return " + liftExpr(fn.result().get(), "result", 1) + ";");
        } else {
            s.line(call + ";");
        }
    }

    private String importMethodName(Function fn) {
        return switch (fn.kind()) {
            case Function.Kind.Freestanding f -> valueName(camel(fn.name()));
            case Function.Kind.Constructor c -> valueName("new" + pascal(resolve.type(c.resource()).name()));
            case Function.Kind.Method m -> valueName(camel(resolve.type(m.resource()).name() + "-" + fn.itemName()));
            case Function.Kind.Static st -> valueName(camel(resolve.type(st.resource()).name() + "-" + fn.itemName()));
        };
    }

    private String returnType(Function fn) {
        return fn.result().map(t -> javaType(t, false)).orElse("void");
    }

    private String params(List<Function.Param> params) {
        List<String> out = new ArrayList<>();
        for (Function.Param p : params) {
            out.add(javaType(p.type(), false) + " " + valueName(p.name()));
        }
        return String.join(", ", out);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Java types and conversions

    private String javaType(WitType t, boolean boxed) {
        return switch (t) {
            case WitType.Primitive p -> switch (p) {
                case BOOL -> boxed ? "Boolean" : "boolean";
                case S8, U8 -> boxed ? "Byte" : "byte";
                case S16, U16 -> boxed ? "Short" : "short";
                case S32, U32, CHAR -> boxed ? "Integer" : "int";
                case S64, U64 -> boxed ? "Long" : "long";
                case F32 -> boxed ? "Float" : "float";
                case F64 -> boxed ? "Double" : "double";
                case STRING -> "String";
                case ERROR_CONTEXT -> "ComponentValue.ErrorContext";
            };
            case WitType.Ref r -> named(r.id(), boxed);
            case WitType.ListOf l -> isByte(l.element()) ? "byte[]" : "List<" + javaType(l.element(), true) + ">";
            case WitType.FixedListOf l -> "List<" + javaType(l.element(), true) + ">";
            case WitType.OptionOf o -> "Optional<" + javaType(o.inner(), true) + ">";
            case WitType.ResultOf r -> "Result<" + r.ok().map(x -> javaType(x, true)).orElse("Void") + ", "
                    + r.err().map(x -> javaType(x, true)).orElse("Void") + ">";
            case WitType.TupleOf tu -> {
                if (tu.types().isEmpty() || tu.types().size() > 10) {
                    throw new ComponentException("bindgen: tuples of " + tu.types().size()
                            + " elements have no Java binding (1 to 10 do)");
                }
                yield "Tuples.Of" + tu.types().size() + "<" + String.join(", ",
                        tu.types().stream().map(x -> javaType(x, true)).toList()) + ">";
            }
            case WitType.Handle h -> named(h.resource(), boxed);
            // an associative array, as WIT.md asks of bindings; insertion order kept, a later duplicate key wins
            case WitType.MapOf m -> "java.util.Map<" + javaType(m.key(), true) + ", " + javaType(m.value(), true) + ">";
            case WitType.FutureOf f -> "TypedFuture<" + f.payload().map(x -> javaType(x, true)).orElse("Void") + ">";
            case WitType.StreamOf st -> "TypedStream<" + st.payload().map(x -> javaType(x, true)).orElse("Void") + ">";
        };
    }

    private static boolean isByte(WitType t) {
        return t == WitType.Primitive.U8 || t == WitType.Primitive.S8;
    }

    private String named(Resolve.TypeId id, boolean boxed) {
        Resolve.TypeId defId = resolve.definition(id);
        TypeDef def = resolve.type(defId);
        if (def.kind() instanceof TypeDef.Alias a) {
            return javaType(a.target(), boxed);
        }
        String qualified = className(def);
        return def.kind() instanceof TypeDef.Flags ? "EnumSet<" + qualified + ">" : qualified;
    }

    /** The definition a type name stands for, through {@code use} and alias-of-a-name chains. */
    private TypeDef definitionOf(Resolve.TypeId id) {
        return resolve.type(resolve.definition(id));
    }

    /** The Java name of a defined (non-alias) type: the class of its interface or world, then its own. */
    private String className(TypeDef def) {
        return ownerClass(def) + "." + typeName(pascal(def.name()));
    }

    private String ownerClass(TypeDef def) {
        return switch (def.owner()) {
            case TypeDef.Owner.OfInterface o -> interfaceClass.computeIfAbsent(o.id(), id -> {
                Set<String> taken = new HashSet<>(interfaceClass.values());
                taken.add(worldClass);
                return unique(typeName(simpleName(id)), taken);
            });
            case TypeDef.Owner.OfWorld w -> worldClass;
        };
    }

    /** A Java expression for the {@link dev.basalt.component.ValueType} of {@code t}. */
    private String valueTypeExpr(WitType t) {
        return switch (t) {
            case WitType.Primitive p -> "ValueType." + p.name();
            case WitType.Ref r -> {
                TypeDef def = definitionOf(r.id());
                if (def.kind() instanceof TypeDef.Alias a) {
                    yield valueTypeExpr(a.target());
                }
                String cls = className(def);
                yield def.kind() instanceof TypeDef.Resource ? "new ValueType.OwnType(" + cls + ".TYPE)" : cls + ".TYPE";
            }
            case WitType.ListOf l -> "ValueType.list(" + valueTypeExpr(l.element()) + ")";
            case WitType.FixedListOf l -> "new ValueType.ListType(" + valueTypeExpr(l.element())
                    + ", java.util.OptionalInt.of(" + l.length() + "))";
            case WitType.OptionOf o -> "ValueType.option(" + valueTypeExpr(o.inner()) + ")";
            case WitType.ResultOf r -> "ValueType.result(" + r.ok().map(this::valueTypeExpr).orElse("null") + ", "
                    + r.err().map(this::valueTypeExpr).orElse("null") + ")";
            case WitType.TupleOf tu -> "ValueType.tuple(" + String.join(", ",
                    tu.types().stream().map(this::valueTypeExpr).toList()) + ")";
            case WitType.Handle h -> "new ValueType." + (h.borrow() ? "BorrowType(" : "OwnType(")
                    + className(definitionOf(h.resource())) + ".TYPE)";
            // the canonical ABI's map<k, v> is list<tuple<k, v>> (Explainer.md), which is what the runtime checks
            case WitType.MapOf m -> "ValueType.list(ValueType.tuple(" + valueTypeExpr(m.key()) + ", "
                    + valueTypeExpr(m.value()) + "))";
            case WitType.FutureOf f -> "new ValueType.FutureType(" + optionalValueType(f.payload()) + ")";
            case WitType.StreamOf st -> "new ValueType.StreamType(" + optionalValueType(st.payload()) + ")";
        };
    }

    private String optionalValueType(Optional<WitType> t) {
        return t.map(x -> "Optional.of(" + valueTypeExpr(x) + ")").orElse("Optional.empty()");
    }

    private String lowerExpr(WitType t, String x, int depth) {
        String e = "e" + depth;
        return switch (t) {
            case WitType.Primitive p -> switch (p) {
                case BOOL -> "ComponentValue.bool(" + x + ")";
                case S8 -> "ComponentValue.s8(" + x + ")";
                case U8 -> "Bindings.lowerU8(" + x + ")";
                case S16 -> "ComponentValue.s16(" + x + ")";
                case U16 -> "Bindings.lowerU16(" + x + ")";
                case S32 -> "ComponentValue.s32(" + x + ")";
                case U32 -> "Bindings.lowerU32(" + x + ")";
                case S64 -> "ComponentValue.s64(" + x + ")";
                case U64 -> "ComponentValue.u64(" + x + ")";
                case F32 -> "ComponentValue.f32(" + x + ")";
                case F64 -> "ComponentValue.f64(" + x + ")";
                case CHAR -> "ComponentValue.character(" + x + ")";
                case STRING -> "ComponentValue.string(" + x + ")";
                case ERROR_CONTEXT -> "java.util.Objects.requireNonNull(" + x + ", \"error-context\")";
            };
            case WitType.Ref r -> {
                TypeDef def = definitionOf(r.id());
                if (def.kind() instanceof TypeDef.Alias a) {
                    yield lowerExpr(a.target(), x, depth);
                }
                if (def.kind() instanceof TypeDef.Resource) {
                    yield "ComponentValue.own(" + x + ".handle())"; // a bare resource name is an owned handle
                }
                String cls = className(def);
                yield cls + (def.kind() instanceof TypeDef.Flags ? ".lowerSet(" : ".lower(") + x + ")";
            }
            case WitType.ListOf l -> isByte(l.element())
                    ? "Bindings.lowerBytes(" + x + ", " + (l.element() == WitType.Primitive.U8) + ")"
                    : "Bindings.lowerList(" + x + ", " + e + " -> " + lowerExpr(l.element(), e, depth + 1) + ")";
            case WitType.FixedListOf l -> "Bindings.lowerList(" + x + ", " + e + " -> "
                    + lowerExpr(l.element(), e, depth + 1) + ")";
            case WitType.OptionOf o -> "Bindings.lowerOption(" + x + ", " + e + " -> "
                    + lowerExpr(o.inner(), e, depth + 1) + ")";
            case WitType.ResultOf r -> "Bindings.lowerResult(" + x + ", "
                    + r.ok().map(ok -> e + " -> " + lowerExpr(ok, e, depth + 1)).orElse("null") + ", "
                    + r.err().map(err -> e + " -> " + lowerExpr(err, e, depth + 1)).orElse("null") + ")";
            case WitType.TupleOf tu -> {
                List<String> parts = new ArrayList<>();
                for (int i = 0; i < tu.types().size(); i++) {
                    parts.add(lowerExpr(tu.types().get(i), x + ".a" + i + "()", depth + 1));
                }
                yield "ComponentValue.tuple(" + String.join(", ", parts) + ")";
            }
            case WitType.Handle h -> (h.borrow() ? "ComponentValue.borrow(" : "ComponentValue.own(") + x + ".handle())";
            case WitType.MapOf m -> "Bindings.lowerMap(" + x + ", k" + depth + " -> " + lowerExpr(m.key(), "k" + depth,
                    depth + 1) + ", " + e + " -> " + lowerExpr(m.value(), e, depth + 1) + ")";
            // the readable end moves into the callee as it is
            case WitType.FutureOf f -> x + ".end()";
            case WitType.StreamOf st -> x + ".end()";
        };
    }

    private String liftExpr(WitType t, String v, int depth) {
        String e = "e" + depth;
        return switch (t) {
            case WitType.Primitive p -> switch (p) {
                case ERROR_CONTEXT -> "Bindings.liftErrorContext(" + v + ")";
                default -> "Bindings.lift" + pascal(p.wit()) + "(" + v + ")";
            };
            case WitType.Ref r -> {
                TypeDef def = definitionOf(r.id());
                if (def.kind() instanceof TypeDef.Alias a) {
                    yield liftExpr(a.target(), v, depth);
                }
                String cls = className(def);
                yield cls + (def.kind() instanceof TypeDef.Flags ? ".liftSet(" : ".lift(") + v + ", caller)";
            }
            case WitType.ListOf l -> isByte(l.element())
                    ? "Bindings.liftBytes(" + v + ", " + (l.element() == WitType.Primitive.U8) + ")"
                    : "Bindings.<" + javaType(l.element(), true) + ">liftList(" + v + ", " + e + " -> "
                            + liftExpr(l.element(), e, depth + 1) + ")";
            case WitType.FixedListOf l -> "Bindings.<" + javaType(l.element(), true) + ">liftList(" + v + ", " + e
                    + " -> " + liftExpr(l.element(), e, depth + 1) + ")";
            case WitType.OptionOf o -> "Bindings.<" + javaType(o.inner(), true) + ">liftOption(" + v + ", " + e
                    + " -> " + liftExpr(o.inner(), e, depth + 1) + ")";
            case WitType.ResultOf r -> "Bindings.<" + r.ok().map(x -> javaType(x, true)).orElse("Void") + ", "
                    + r.err().map(x -> javaType(x, true)).orElse("Void") + ">liftResult(" + v + ", "
                    + r.ok().map(ok -> e + " -> " + liftExpr(ok, e, depth + 1)).orElse("null") + ", "
                    + r.err().map(err -> e + " -> " + liftExpr(err, e, depth + 1)).orElse("null") + ")";
            case WitType.TupleOf tu -> {
                List<String> parts = new ArrayList<>();
                for (int i = 0; i < tu.types().size(); i++) {
                    parts.add(liftExpr(tu.types().get(i),
                            "Bindings.tuple(" + v + ", " + tu.types().size() + ").get(" + i + ")", depth + 1));
                }
                yield "new " + javaType(tu, true) + "(" + String.join(", ", parts) + ")";
            }
            case WitType.Handle h -> named(h.resource(), false) + ".lift(" + v + ", caller)";
            case WitType.MapOf m -> "Bindings.<" + javaType(m.key(), true) + ", " + javaType(m.value(), true)
                    + ">liftMap(" + v + ", k" + depth + " -> " + liftExpr(m.key(), "k" + depth, depth + 1) + ", " + e
                    + " -> " + liftExpr(m.value(), e, depth + 1) + ")";
            case WitType.FutureOf f -> "new TypedFuture<" + f.payload().map(x -> javaType(x, true)).orElse("Void")
                    + ">(" + v + ", " + e + " -> " + f.payload().map(x -> liftExpr(x, e, depth + 1)).orElse("null") + ")";
            case WitType.StreamOf st -> "new TypedStream<" + st.payload().map(x -> javaType(x, true)).orElse("Void")
                    + ">(" + v + ", " + e + " -> " + st.payload().map(x -> liftExpr(x, e, depth + 1)).orElse("null")
                    + ")";
        };
    }

    // ---------------------------------------------------------------------------------------------------------
    // Names and text

    static String pascal(String kebab) {
        StringBuilder sb = new StringBuilder();
        for (String word : kebab.split("[^A-Za-z0-9]+")) {
            if (!word.isEmpty()) {
                sb.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1).toLowerCase(Locale.ROOT));
            }
        }
        if (sb.isEmpty() || !Character.isJavaIdentifierStart(sb.charAt(0))) {
            sb.insert(0, 'X');
        }
        return sb.toString();
    }

    static String camel(String kebab) {
        String p = pascal(kebab);
        return Character.toLowerCase(p.charAt(0)) + p.substring(1);
    }

    private static String constantName(String kebab) {
        String c = kebab.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", "_");
        return Character.isJavaIdentifierStart(c.charAt(0)) ? c : "_" + c;
    }

    private static String typeName(String pascal) {
        return RESERVED_TYPES.contains(pascal) ? pascal + "_" : pascal;
    }

    private static String valueName(String name) {
        String n = name.contains("-") ? camel(name) : name;
        return JAVA_KEYWORDS.contains(n) || RESERVED_VALUES.contains(n) ? n + "_" : n;
    }

    private static String literal(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    private static String javadoc(String s) {
        return s.replace("*/", "*&#47;").replace("@", "&#64;").replace("{", "&#123;").replace("}", "&#125;");
    }

    private static String docs(Optional<String> docs) {
        return docs.map(d -> ": " + javadoc(d.strip().replace('\n', ' '))).orElse("");
    }

    /** Indented Java text. */
    private static final class Source {
        private final StringBuilder sb = new StringBuilder();
        private int indent;

        Source line(String text) {
            sb.append("    ".repeat(indent)).append(text).append('\n');
            return this;
        }

        Source blank() {
            sb.append('\n');
            return this;
        }

        Source open(String head) {
            line(head + " {");
            indent++;
            return this;
        }

        Source close() {
            return closeWith("}");
        }

        Source closeWith(String text) {
            indent--;
            return line(text);
        }

        @Override
        public String toString() {
            return sb.toString();
        }
    }
}
