package dev.basalt.component.wave;

import dev.basalt.component.ComponentException;

/** WAVE text that does not parse, or does not match the type it is read as; the message gives the text offset. */
public final class WaveException extends ComponentException {
    public WaveException(String message) {
        super(message);
    }
}
