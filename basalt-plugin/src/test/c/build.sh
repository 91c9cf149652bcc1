#!/usr/bin/env bash
# Builds the Extism test plug-in (no libc) into ../resources/plugins. Needs clang and wasm-ld with the wasm32
# target (Debian: apt-get install clang lld). The built .wasm is committed: the tests need no C toolchain.
set -euo pipefail
cd "$(dirname "$0")"
out=../resources/plugins
# Compile with -O2 but link without -O: clang would run wasm-opt on the output, which drops the name section the
# backtrace tests look for.
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
clang --target=wasm32 -O2 -c -o "$tmp/plugin.o" plugin.c
clang --target=wasm32 -nostdlib -Wl,--no-entry -Wl,--strip-debug -o "$out/test-plugin.wasm" "$tmp/plugin.o"
clang --target=wasm32-wasi -O2 -c -o "$tmp/wasi_plugin.o" wasi_plugin.c
clang --target=wasm32-wasi -mexec-model=reactor -Wl,--strip-debug -o "$out/wasi-plugin.wasm" "$tmp/wasi_plugin.o"
ls -l "$out"
