package dev.basalt.wasi.preview2.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.Trap;
import dev.basalt.component.ComponentValue;
import dev.basalt.component.ResourceHandle;
import dev.basalt.wasi.WasiConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * wasi:http/types and outgoing-handler called directly, without a guest: the answers the C test handler does not
 * show (every header-error case, moved and child handles, status and body rules, content-length, the outbound
 * error-codes decided before sending). Values are built as the canonical ABI would lift them.
 */
class HttpHostTest {
    static final String T = "wasi:http/types";
    final WasiHost host = new WasiHost();
    HostState s = HostState.create(WasiConfig.builder().allowOutboundHost("127.0.0.1:*").build());

    @AfterEach
    void tearDown() {
        s.close();
        assertThat(s.liveResources()).isZero();
    }

    ComponentValue call(String fn, ComponentValue... args) {
        return call(T, fn, args);
    }

    ComponentValue call(String iface, String fn, ComponentValue... args) {
        try {
            return host.call(iface, fn, s, args);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static ResourceHandle handle(ComponentValue v) {
        return ((ComponentValue.Own) v).handle();
    }

    static ComponentValue borrow(ResourceHandle h) {
        return new ComponentValue.Borrow(ResourceHandle.lent(h.type(), h.rep()));
    }

    static ComponentValue own(ResourceHandle h) {
        return new ComponentValue.Own(h);
    }

    static ComponentValue str(String v) {
        return new ComponentValue.Str(v);
    }

    static ComponentValue bytes(String v) {
        return WasiHost.bytes(v.getBytes(StandardCharsets.ISO_8859_1));
    }

    static ComponentValue ok(ComponentValue v) {
        return new ComponentValue.ResultValue(true, Optional.ofNullable(v));
    }

    static ComponentValue err(ComponentValue v) {
        return new ComponentValue.ResultValue(false, Optional.ofNullable(v));
    }

    static ComponentValue variant(String name) {
        return new ComponentValue.VariantValue(name, Optional.empty());
    }

    static ComponentValue some(ComponentValue v) {
        return new ComponentValue.OptionValue(Optional.of(v));
    }

    static ComponentValue unwrapOk(ComponentValue v) {
        ComponentValue.ResultValue r = (ComponentValue.ResultValue) v;
        assertThat(r.ok()).as("ok: " + v).isTrue();
        return r.payload().orElse(null);
    }

    List<String> values(ResourceHandle fields, String name) {
        return ((ComponentValue.ListValue) call("[method]fields.get", borrow(fields), str(name))).elements().stream()
                .map(v -> new String(WasiHost.bytes(v), StandardCharsets.ISO_8859_1)).toList();
    }

    void drop(ResourceHandle h) {
        HostResources.drop(h.rep());
    }

    @Test
    void fieldsAreAnOrderedCaseInsensitiveMultimapWithSyntaxRules() {
        ResourceHandle f = handle(call("[constructor]fields"));
        assertThat(call("[method]fields.append", borrow(f), str("X-A"), bytes("1"))).isEqualTo(ok(null));
        assertThat(call("[method]fields.append", borrow(f), str("x-a"), bytes("2"))).isEqualTo(ok(null));
        assertThat(call("[method]fields.append", borrow(f), str("x-b"), bytes("3"))).isEqualTo(ok(null));
        assertThat(values(f, "X-a")).containsExactly("1", "2");
        assertThat(call("[method]fields.has", borrow(f), str("X-B"))).isEqualTo(new ComponentValue.Bool(true));
        assertThat(call("[method]fields.set", borrow(f), str("x-a"),
                new ComponentValue.ListValue(List.of(bytes("9"))))).isEqualTo(ok(null));
        assertThat(values(f, "x-a")).containsExactly("9");
        assertThat(call("[method]fields.delete", borrow(f), str("x-b"))).isEqualTo(ok(null));
        assertThat(call("[method]fields.has", borrow(f), str("x-b"))).isEqualTo(new ComponentValue.Bool(false));
        assertThat(((ComponentValue.ListValue) call("[method]fields.entries", borrow(f))).elements()).hasSize(1);

        assertThat(call("[method]fields.append", borrow(f), str("bad name"), bytes("v"))).isEqualTo(err(variant("invalid-syntax")));
        assertThat(call("[method]fields.append", borrow(f), str(""), bytes("v"))).isEqualTo(err(variant("invalid-syntax")));
        assertThat(call("[method]fields.append", borrow(f), str("x-c"), bytes("a\nb"))).isEqualTo(err(variant("invalid-syntax")));
        assertThat(call("[method]fields.set", borrow(f), str("Transfer-Encoding"),
                new ComponentValue.ListValue(List.of(bytes("chunked"))))).isEqualTo(err(variant("forbidden")));
        assertThat(call("[method]fields.delete", borrow(f), str("host"))).isEqualTo(err(variant("forbidden")));

        ComponentValue list = new ComponentValue.ListValue(List.of(new ComponentValue.TupleValue(List.of(str("connection"), bytes("x")))));
        assertThat(call("[static]fields.from-list", list)).isEqualTo(err(variant("forbidden")));
        ResourceHandle fromList = handle(unwrapOk(call("[static]fields.from-list", new ComponentValue.ListValue(List.of(
                new ComponentValue.TupleValue(List.of(str("a"), bytes("1"))))))));
        assertThat(values(fromList, "A")).containsExactly("1");
        drop(fromList);
        drop(f);
    }

    @Test
    void messageHeadersAreMovedInAndImmutableAfterwards() {
        ResourceHandle h = handle(call("[constructor]fields"));
        call("[method]fields.append", borrow(h), str("x-a"), bytes("1"));
        ResourceHandle response = handle(call("[constructor]outgoing-response", own(h)));
        // the guest's fields handle moved into the response
        assertThatThrownBy(() -> values(h, "x-a")).isInstanceOf(Trap.class);
        ResourceHandle view = handle(call("[method]outgoing-response.headers", borrow(response)));
        assertThat(values(view, "x-a")).containsExactly("1");
        assertThat(call("[method]fields.append", borrow(view), str("x-b"), bytes("2"))).isEqualTo(err(variant("immutable")));
        assertThat(call("[method]fields.delete", borrow(view), str("x-a"))).isEqualTo(err(variant("immutable")));
        // a clone is the guest's own, mutable
        ResourceHandle copy = handle(call("[method]fields.clone", borrow(view)));
        assertThat(call("[method]fields.append", borrow(copy), str("x-b"), bytes("2"))).isEqualTo(ok(null));
        assertThat(values(view, "x-b")).isEmpty();

        assertThat(call("[method]outgoing-response.status-code", borrow(response))).isEqualTo(new ComponentValue.U16(200));
        assertThat(call("[method]outgoing-response.set-status-code", borrow(response), new ComponentValue.U16(99)))
                .isEqualTo(err(null));
        assertThat(call("[method]outgoing-response.set-status-code", borrow(response), new ComponentValue.U16(404)))
                .isEqualTo(ok(null));
        ResourceHandle body = handle(unwrapOk(call("[method]outgoing-response.body", borrow(response))));
        assertThat(call("[method]outgoing-response.body", borrow(response))).as("only once").isEqualTo(err(null));
        drop(copy);
        drop(view);
        drop(body);
        drop(response);
    }

    @Test
    void anOutgoingBodyChecksItsStreamAndItsContentLength() {
        ResourceHandle h = handle(call("[constructor]fields"));
        call("[method]fields.append", borrow(h), str("content-length"), bytes("5"));
        ResourceHandle response = handle(call("[constructor]outgoing-response", own(h)));
        ResourceHandle body = handle(unwrapOk(call("[method]outgoing-response.body", borrow(response))));
        ResourceHandle out = handle(unwrapOk(call("[method]outgoing-body.write", borrow(body))));
        assertThat(call("[method]outgoing-body.write", borrow(body))).isEqualTo(err(null));
        assertThat(call("wasi:io/streams", "[method]output-stream.write", borrow(out), bytes("abc"))).isEqualTo(ok(null));
        // more than the declared length fails on the stream
        assertThat(((ComponentValue.ResultValue) call("wasi:io/streams", "[method]output-stream.write", borrow(out),
                bytes("defghi"))).ok()).isFalse();
        assertThatThrownBy(() -> call("[static]outgoing-body.finish", own(body), new ComponentValue.OptionValue(Optional.empty())))
                .isInstanceOf(Trap.class).hasMessageContaining("output-stream must be dropped first");
        drop(out);
        assertThat(call("[static]outgoing-body.finish", own(body), new ComponentValue.OptionValue(Optional.empty())))
                .isEqualTo(err(new ComponentValue.VariantValue("HTTP-response-body-size",
                        Optional.of(some(new ComponentValue.U64(3))))));
        drop(response);
    }

    @Test
    void aBrokenBodyStreamTellsItsHttpErrorCode() {
        java.io.InputStream broken = new java.io.InputStream() {
            @Override
            public int read() throws IOException {
                throw new java.io.EOFException("the peer closed the connection after 3 of 10 bytes");
            }
        };
        HttpResources.IncomingBody b = new HttpResources.IncomingBody(broken, Optional::empty, true);
        ResourceHandle body = ResourceHandle.own(host.resourceType("incoming-body"), HostResources.add(s, b));
        ResourceHandle in = handle(unwrapOk(call("[method]incoming-body.stream", borrow(body))));
        ComponentValue.ResultValue read = (ComponentValue.ResultValue) call("wasi:io/streams",
                "[method]input-stream.blocking-read", borrow(in), new ComponentValue.U64(100));
        assertThat(read.ok()).isFalse();
        ComponentValue.VariantValue failed = (ComponentValue.VariantValue) read.payload().orElseThrow();
        assertThat(failed.caseName()).isEqualTo("last-operation-failed");
        ResourceHandle error = handle(failed.payload().orElseThrow());
        assertThat(call("http-error-code", borrow(error))).isEqualTo(some(variant("HTTP-response-incomplete")));
        assertThat(call("wasi:io/error", "[method]error.to-debug-string", borrow(error)))
                .isEqualTo(str("the peer closed the connection after 3 of 10 bytes"));
        drop(error);
        drop(in);
        drop(body);
    }

    ComponentValue send(String scheme, String authority, String path) {
        ResourceHandle request = handle(call("[constructor]outgoing-request", own(handle(call("[constructor]fields")))));
        if (scheme != null) {
            ComponentValue sc = scheme.equals("http") ? variant("HTTP")
                    : new ComponentValue.VariantValue("other", Optional.of(str(scheme)));
            assertThat(call("[method]outgoing-request.set-scheme", borrow(request), some(sc))).isEqualTo(ok(null));
        }
        if (authority != null) {
            assertThat(call("[method]outgoing-request.set-authority", borrow(request), some(str(authority)))).isEqualTo(ok(null));
        }
        if (path != null) {
            assertThat(call("[method]outgoing-request.set-path-with-query", borrow(request), some(str(path)))).isEqualTo(ok(null));
        }
        return call("wasi:http/outgoing-handler", "handle", own(request), new ComponentValue.OptionValue(Optional.empty()));
    }

    @Test
    void outboundRequestsAreCheckedBeforeAnythingIsSent() throws IOException {
        ResourceHandle request = handle(call("[constructor]outgoing-request", own(handle(call("[constructor]fields")))));
        assertThat(call("[method]outgoing-request.set-authority", borrow(request), some(str("a/b")))).isEqualTo(err(null));
        assertThat(call("[method]outgoing-request.set-path-with-query", borrow(request), some(str("no-slash")))).isEqualTo(err(null));
        assertThat(call("[method]outgoing-request.set-method", borrow(request),
                new ComponentValue.VariantValue("other", Optional.of(str("BAD METHOD"))))).isEqualTo(err(null));
        drop(request);

        assertThat(send("http", null, "/")).isEqualTo(err(variant("HTTP-request-URI-invalid")));
        assertThat(send("gopher", "127.0.0.1:70", "/")).isEqualTo(err(variant("HTTP-protocol-error")));
        assertThat(send("http", "example.com", "/")).isEqualTo(err(variant("HTTP-request-denied")));
        // no scheme means https, to port 443 unless given
        assertThat(send(null, "localhost:443", "/")).isEqualTo(err(variant("HTTP-request-denied")));

        int closed;
        try (java.net.ServerSocket ss = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            closed = ss.getLocalPort();
        }
        ResourceHandle future = handle(unwrapOk(send("http", "127.0.0.1:" + closed, "/x")));
        ResourceHandle pollable = handle(call("[method]future-incoming-response.subscribe", borrow(future)));
        call("wasi:io/poll", "[method]pollable.block", borrow(pollable));
        assertThat(call("wasi:io/poll", "[method]pollable.ready", borrow(pollable))).isEqualTo(new ComponentValue.Bool(true));
        assertThat(call("[method]future-incoming-response.get", borrow(future)))
                .isEqualTo(some(ok(err(variant("connection-refused")))));
        assertThat(call("[method]future-incoming-response.get", borrow(future))).as("only once").isEqualTo(some(err(null)));
        drop(pollable);
        drop(future);
    }

    /**
     * An in-process exchange that failed with a {@link dev.basalt.wasi.preview2.WasiHttpException} carrying an
     * error-code gives the guest exactly that error-code, wherever it is in the cause chain; other failures are
     * mapped from the exception.
     */
    @Test
    void anInProcessFailuresOwnErrorCodeReachesTheGuestAsItIs() {
        ComponentValue configuration = variant("configuration-error");
        var own = new dev.basalt.wasi.preview2.WasiHttpException("the handler responded with error-code", false,
                configuration);
        assertThat(HttpHost.toErrorCode(new java.util.concurrent.CompletionException(own))).isEqualTo(configuration);
        assertThat(HttpHost.toErrorCode(new IOException("wrapped", own))).isEqualTo(configuration);
        assertThat(HttpHost.toErrorCode(dev.basalt.wasi.preview2.WasiHttpException.internalError(
                "the next handler b trapped: unreachable")))
                .isEqualTo(new ComponentValue.VariantValue("internal-error",
                        Optional.of(some(str("the next handler b trapped: unreachable")))));
        // without an error-code it is one more exception
        assertThat(HttpHost.describe(HttpHost.toErrorCode(new dev.basalt.wasi.preview2.WasiHttpException("x", false))))
                .isEqualTo("internal-error(WasiHttpException: x)");
        assertThat(HttpHost.toErrorCode(new java.net.ConnectException("refused")))
                .isEqualTo(variant("connection-refused"));
    }
}
