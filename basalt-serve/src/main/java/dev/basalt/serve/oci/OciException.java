package dev.basalt.serve.oci;

import java.io.IOException;

/**
 * A registry operation failed (refused, not found, unauthorized, a protocol error), or what a registry or an
 * application directory holds is not something Basalt can push or run (a malformed manifest, a digest that does
 * not match, an unsafe file path). The message says which and names the reference or file.
 */
public class OciException extends IOException {
    private static final long serialVersionUID = 1L;

    public OciException(String message) {
        super(message);
    }

    public OciException(String message, Throwable cause) {
        super(message, cause);
    }
}
