package dev.basalt.wasm.wast;

import java.util.List;
import java.util.Optional;

/** One top-level form of a WAST script; {@code line} is its 1-based line in the file. */
public sealed interface Directive {
    int line();

    /**
     * {@code (module ...)}: define and instantiate a module. With {@code definition} true,
     * {@code (module definition $M ...)}: only define it, for later {@link ModuleInstance}s.
     */
    record Module(int line, ModuleSource source, boolean definition) implements Directive {
    }

    /**
     * {@code (module instance $I? $M?)}: instantiate a defined module; also {@code (component instance $I? $C?)},
     * which names a component definition.
     */
    record ModuleInstance(int line, Optional<String> instance, Optional<String> module) implements Directive {
    }

    /** {@code (register "as" $m?)}: make a module's exports importable under a name. */
    record Register(int line, String as, Optional<String> module) implements Directive {
    }

    /** A bare {@code (invoke ...)} or {@code (get ...)}. */
    record ActionDirective(int line, Action action) implements Directive {
    }

    record AssertReturn(int line, Action action, List<WastResult> expected) implements Directive {
        public AssertReturn {
            expected = List.copyOf(expected);
        }
    }

    /** {@code (assert_trap action "msg")}. */
    record AssertTrap(int line, Action action, String message) implements Directive {
    }

    /**
     * {@code (assert_trap (module ...) "msg")} or {@code (assert_trap (component ...) "msg")}: instantiation (start
     * function, segment init) must trap.
     */
    record AssertModuleTrap(int line, ModuleSource module, String message) implements Directive {
    }

    record AssertExhaustion(int line, Action action, String message) implements Directive {
    }

    /** {@code (assert_exception action)}: an uncaught Wasm exception. */
    record AssertException(int line, Action action) implements Directive {
    }

    /** {@code (assert_malformed module "msg")}; {@code custom} for assert_malformed_custom. */
    record AssertMalformed(int line, ModuleSource module, String message, boolean custom) implements Directive {
    }

    /** {@code (assert_invalid module "msg")}; {@code custom} for assert_invalid_custom. */
    record AssertInvalid(int line, ModuleSource module, String message, boolean custom) implements Directive {
    }

    record AssertUnlinkable(int line, ModuleSource module, String message) implements Directive {
    }
}
