package dev.basalt.internal.interpreter;

/** Receives the functions that got hot in the interpreter (tiering); called on the thread that runs the code. */
@FunctionalInterface
public interface HotFunctions {
    /** Function {@code funcIndex} (function index space) reached its threshold; must return quickly. */
    void hot(int funcIndex);
}
