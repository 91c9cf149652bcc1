/* Component fixture for DWARF source lines: the core module of a component whose export traps. */
__attribute__((noinline)) static int quotient(int a, int b) {
    return a / b;
}

__attribute__((export_name("divide"))) int divide(int a, int b) {
    return quotient(a, b) + 1;
}
