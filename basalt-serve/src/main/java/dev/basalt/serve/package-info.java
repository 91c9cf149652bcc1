/**
 * Serving wasi:http components over HTTP: {@link dev.basalt.serve.WasiHttpServer} (Jetty 12) compiles and
 * pre-instantiates a component exporting {@code wasi:http/incoming-handler@0.2.x} once and runs every request in
 * a fresh instance and store, with the grants of a {@link dev.basalt.wasi.WasiConfig} (environment, directories,
 * outbound hosts) and per-request limits (fuel, deadline, memory); several components can share a server on
 * Spin-style {@link dev.basalt.serve.Route routes}, described by a Spin-style {@link dev.basalt.serve.AppManifest}
 * ({@code spin.toml}). {@code basalt serve app.wasm --listen 127.0.0.1:8080} (or {@code basalt serve spin.toml})
 * is its command line. A {@code wasi:http/middleware} component's next handler runs in-process, per component or
 * per route ({@link dev.basalt.serve.WasiHttpServer.Builder#routeNextHandlers}, a trigger's {@code next_handler}).
 * Observability: {@link dev.basalt.serve.ServeTelemetry} (OpenTelemetry traces and metrics of requests, in-process
 * hops, instantiations, traps, fuel and outbound requests, and the guests' logs as log records; the API only),
 * {@code GuestLogs} ({@code wasi:logging} and stdout/stderr lines) and {@link dev.basalt.serve.AccessLog} (NCSA access
 * logs).
 *
 * {@snippet :
 * try (WasiHttpServer server = WasiHttpServer.builder(engine, component)
 *         .listen(new InetSocketAddress("127.0.0.1", 0)).start()) {
 *     System.out.println("listening on port " + server.port());
 *     server.join();
 * }
 * }
 */
package dev.basalt.serve;
