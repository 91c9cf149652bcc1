#!/bin/sh
# Rebuilds crash.component.wasm (committed): a component whose core module carries DWARF debug information, for
# source lines in component backtraces. Needs Debian's clang and lld, and jco as for ../build-components.sh
# (cd .. && npm ci). No libc (wasi-libc ships its own DWARF), -O1 -g, paths relative to this directory, linked
# without -O (wasm-opt would drop the DWARF); jco new keeps the core module's custom sections.
set -eu
cd "$(dirname "$0")"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
clang --target=wasm32 -O1 -g -fdebug-prefix-map="$PWD"=. -c crash.c -o "$tmp/crash.o"
clang --target=wasm32 -nostdlib -Wl,--no-entry "$tmp/crash.o" -o "$tmp/crash.core.wasm"
(cd .. && node --import ./jco-preopen.mjs node_modules/.bin/jco embed "$tmp/crash.core.wasm" --wit dwarf/wit -n crash \
  -o "$tmp/crash.embed.wasm" && node_modules/.bin/jco new "$tmp/crash.embed.wasm" -o dwarf/crash.component.wasm)
ls -l crash.component.wasm
