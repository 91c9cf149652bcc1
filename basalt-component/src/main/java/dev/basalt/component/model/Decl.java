package dev.basalt.component.model;

/** A declarator of a component type ({@code componentdecl}) or instance type ({@code instancedecl}). */
public sealed interface Decl {
    record CoreTypeDecl(CoreType type) implements Decl {
    }

    record TypeDecl(TypeDef type) implements Decl {
    }

    record AliasDecl(Alias alias) implements Decl {
    }

    /** Only in component types. */
    record ImportDecl(ExternName name, ExternType type) implements Decl {
    }

    record ExportDecl(ExternName name, ExternType type) implements Decl {
    }
}
