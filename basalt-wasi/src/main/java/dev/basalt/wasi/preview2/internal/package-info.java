/**
 * The WASI 0.2 host, not API: {@link dev.basalt.wasi.preview2.internal.WasiHost} (every function of the
 * implemented interfaces, typed from the bundled WIT through {@link dev.basalt.wasi.preview2.internal.WasiWit}),
 * {@link dev.basalt.wasi.preview2.internal.HostResources} (the resource table and the resources: descriptors,
 * streams, pollables, errors) and {@link dev.basalt.wasi.preview2.internal.HostState} (one guest's grants);
 * wasi:http in {@link dev.basalt.wasi.preview2.internal.HttpHost} (types, outgoing-handler, the incoming side
 * for {@code WasiHttp}), its resources in {@code HttpResources}, outbound request bodies through {@code BodyPipe}. Path
 * resolution and file operations are the preview1 implementation's ({@code dev.basalt.wasi.internal}).
 * wasi:sockets is {@link dev.basalt.wasi.preview2.internal.SocketsHost} (functions, grant checks),
 * {@link dev.basalt.wasi.preview2.internal.SocketResources} (sockets and their streams over NIO channels) and
 * {@link dev.basalt.wasi.preview2.internal.NetPoll} (one selector per guest that socket pollables wait on).
 */
package dev.basalt.wasi.preview2.internal;
