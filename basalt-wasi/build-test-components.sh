#!/usr/bin/env bash
# Wraps the preview1 test programs (src/test/resources/wasi/*.wasm, built by build-test-wasm.sh) into WASI 0.2
# command components with jco's preview1 adapter, into src/test/resources/wasi-p2 (committed, so tests need no
# node). The adapter imports wasi:*@0.2.12 and exports wasi:cli/run@0.2.12. Needs the jco kit
# (../shared/docs/building-test-wasm.md section 5): JCO=/path/to/node_modules/.bin/jco, default /tmp/jcokit.
# Then builds the WASI 0.2 programs of src/test/c-p2 (C with hand-written canonical-ABI imports of WASI 0.2
# interfaces, e.g. wasi:sockets, plus wasi-libc for stdio through the adapter): clang, `jco embed` with the world
# in src/test/c-p2/wit (its deps copied from ../shared/wasi-wit/wasip2), `jco new --wasi-command`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
jco="${JCO:-/tmp/jcokit/node_modules/.bin/jco}"
in="$here/src/test/resources/wasi"
out="$here/src/test/resources/wasi-p2"
mkdir -p "$out"
for name in hello p2; do
  [ -f "$in/$name.wasm" ] || continue
  "$jco" new "$in/$name.wasm" --wasi-command -o "$out/$name.component.wasm"
  echo "$name.component.wasm: $(stat -c %s "$out/$name.component.wasm") bytes"
done

wit_src="${WASI_WIT:-$here/../../shared/wasi-wit/wasip2}"
[ -d "$wit_src" ] || wit_src="$here/../shared/wasi-wit/wasip2"
preopen="$(dirname "$jco")/../../jco-preopen.mjs"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/wit/deps"
cp "$here/src/test/c-p2/wit/"*.wit "$tmp/wit/"
for pkg in io clocks sockets; do
  mkdir -p "$tmp/wit/deps/$pkg"
  cp "$wit_src/$pkg/"*.wit "$tmp/wit/deps/$pkg/"
done
for c in "$here/src/test/c-p2/"*.c; do
  name="$(basename "$c" .c)"
  clang --target=wasm32-wasi -O2 -c "$c" -o "$tmp/$name.o"
  clang --target=wasm32-wasi -Wl,--strip-debug "$tmp/$name.o" -o "$tmp/$name.wasm"
  # jco 1.35's embedded wasm-tools needs the preload that preopens / (building-test-wasm.md, section 5)
  JCO_NODE_MODULES="$(dirname "$jco")/.." node --import "$preopen" "$jco" embed "$tmp/$name.wasm" --wit "$tmp/wit" -n "$name-test" -o "$tmp/$name.embed.wasm"
  "$jco" new "$tmp/$name.embed.wasm" --wasi-command -o "$out/$name.component.wasm"
  echo "$name.component.wasm: $(stat -c %s "$out/$name.component.wasm") bytes"
done
