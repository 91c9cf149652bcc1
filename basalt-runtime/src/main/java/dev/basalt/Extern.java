package dev.basalt;

/** Something an instance exports or a linker defines: a function, memory, table, global or tag. */
public sealed interface Extern permits Func, Memory, Table, Global, Tag {
}
