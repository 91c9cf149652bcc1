package dev.basalt.component.binding;

/** WIT tuples as Java records: {@code tuple<A, B>} is {@code Tuples.Of2<A, B>}, elements {@code a0()}, {@code a1()}, ... */
public final class Tuples {
    private Tuples() {
    }

    public record Of1<A>(A a0) {
    }

    public record Of2<A, B>(A a0, B a1) {
    }

    public record Of3<A, B, C>(A a0, B a1, C a2) {
    }

    public record Of4<A, B, C, D>(A a0, B a1, C a2, D a3) {
    }

    public record Of5<A, B, C, D, E>(A a0, B a1, C a2, D a3, E a4) {
    }

    public record Of6<A, B, C, D, E, F>(A a0, B a1, C a2, D a3, E a4, F a5) {
    }

    public record Of7<A, B, C, D, E, F, G>(A a0, B a1, C a2, D a3, E a4, F a5, G a6) {
    }

    public record Of8<A, B, C, D, E, F, G, H>(A a0, B a1, C a2, D a3, E a4, F a5, G a6, H a7) {
    }

    public record Of9<A, B, C, D, E, F, G, H, I>(A a0, B a1, C a2, D a3, E a4, F a5, G a6, H a7, I a8) {
    }

    public record Of10<A, B, C, D, E, F, G, H, I, J>(A a0, B a1, C a2, D a3, E a4, F a5, G a6, H a7, I a8, J a9) {
    }
}
