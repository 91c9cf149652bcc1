/**
 * WIT, the Wasm Interface Type language of the Component Model: lexer, parser, resolver and printer.
 *
 * <p>Main types:
 * <ul>
 *   <li>{@link dev.basalt.component.wit.WitLoader} — loads a {@code .wit} file, a package directory (with
 *       {@code deps/}) or a directory of package directories, and resolves it;</li>
 *   <li>{@link dev.basalt.component.wit.Resolve} — the resolved model: packages, interfaces, worlds (includes
 *       flattened, transitive imports elaborated) and named types, addressed by small id records;
 *       {@link dev.basalt.component.wit.WitType} and {@link dev.basalt.component.wit.TypeDef} are its types,
 *       {@link dev.basalt.component.wit.Function} its functions (resource methods desugared);</li>
 *   <li>{@link dev.basalt.component.wit.WitParser} / {@link dev.basalt.component.wit.WitAst} — one file's syntax
 *       tree, before name resolution;</li>
 *   <li>{@link dev.basalt.component.wit.WitPrinter} — a resolved package back to WIT text;</li>
 *   <li>{@link dev.basalt.component.wit.ComponentWit} — the world of a component binary, decoded from its imports
 *       and exports into a {@code Resolve} (what {@code basalt wit app.wasm} prints);</li>
 *   <li>{@link dev.basalt.component.wit.WitException} — every error, with {@code file:line:col}.</li>
 * </ul>
 *
 * {@snippet :
 * WitLoader.Loaded loaded = WitLoader.load(Path.of("wit"), WitLoader.Options.DEFAULT);
 * Resolve resolve = loaded.resolve();
 * Resolve.PackageId root = loaded.roots().getFirst();
 * Resolve.World world = resolve.world(resolve.findWorld(root, "proxy").orElseThrow());
 * for (Resolve.WorldItem item : world.imports()) {
 *     System.out.println("import " + resolve.keyNameOf(item));
 * }
 * System.out.print(WitPrinter.print(resolve, root));
 * }
 *
 * @see <a href="https://github.com/WebAssembly/component-model/blob/main/design/mvp/WIT.md">WIT.md</a>
 */
package dev.basalt.component.wit;
