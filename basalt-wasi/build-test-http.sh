#!/usr/bin/env bash
# Builds the wasi:http test handler (src/test/c/http/handler.c) into a component,
# src/test/resources/wasi-http/handler.component.wasm (committed, so tests need neither clang nor node).
# The C file has hand-written canonical-ABI glue for wasi:http@0.2.12 (see ../shared/docs/building-test-wasm.md,
# "wasi:http handler in C"); `jco embed` adds the world below (typed by the WIT bundled with basalt-wasi) and
# `jco new` makes the component. The core module keeps its name section, so traps show function names.
# Needs clang with wasm32-wasi + wasi-libc and the jco kit (a directory with node_modules/ holding jco, and the
# kit's jco-preopen.mjs, which `jco embed --wit` needs with jco 1.35): JCO_KIT=/path/to/kit, default /tmp/jcokit.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
kit="${JCO_KIT:-/tmp/jcokit}"
export JCO_NODE_MODULES="$kit/node_modules"
jco() { node --import "$kit/jco-preopen.mjs" "$kit/node_modules/.bin/jco" "$@"; }
out="$here/src/test/resources/wasi-http"
wit="$here/src/main/resources/dev/basalt/wasi/preview2/wit"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out" "$tmp/wit"
for pkg in io clocks random filesystem sockets cli http; do
  mkdir -p "$tmp/wit/deps/$pkg"
  cp "$wit/$pkg.wit" "$tmp/wit/deps/$pkg/package.wit"
done
cat > "$tmp/wit/world.wit" <<'WIT'
package basalt:http-test;

world handler {
  import wasi:http/types@0.2.12;
  import wasi:http/outgoing-handler@0.2.12;
  import wasi:io/poll@0.2.12;
  export wasi:http/incoming-handler@0.2.12;
}
WIT
# Compile with -O2 but link without -O: clang would run wasm-opt at link time, which drops the name section.
clang --target=wasm32-wasi -O2 -mexec-model=reactor -c "$here/src/test/c/http/handler.c" -o "$tmp/handler.o"
clang --target=wasm32-wasi -mexec-model=reactor -Wl,--strip-debug "$tmp/handler.o" -o "$tmp/handler.core.wasm"
jco embed "$tmp/handler.core.wasm" --wit "$tmp/wit" -n handler -o "$tmp/handler.embed.wasm"
jco new "$tmp/handler.embed.wasm" -o "$out/handler.component.wasm"
echo "handler.component.wasm: $(stat -c %s "$out/handler.component.wasm") bytes"
# The same handler with DWARF (-g, linked without --strip-debug; wasi-libc's own DWARF comes along), for source
# lines in basalt serve's logged trap backtraces. -O1 keeps each trap on its own source line.
(cd "$here/src/test/c/http" && clang --target=wasm32-wasi -O1 -g -fdebug-prefix-map="$PWD"=. \
  -c handler.c -o "$tmp/handler-debug.o")
clang --target=wasm32-wasi -mexec-model=reactor "$tmp/handler-debug.o" -o "$tmp/handler-debug.core.wasm"
jco embed "$tmp/handler-debug.core.wasm" --wit "$tmp/wit" -n handler -o "$tmp/handler-debug.embed.wasm"
jco new "$tmp/handler-debug.embed.wasm" -o "$out/handler-debug.component.wasm"
echo "handler-debug.component.wasm: $(stat -c %s "$out/handler-debug.component.wasm") bytes"
