#!/bin/sh
# Rebuilds the test components from their sources (the built .wasm files are committed; tests need no toolchain).
# Needs Debian's clang, lld and wasi-libc, and jco from npm:
#   (cd src/test/components && npm ci)     # package.json + package-lock.json pin @bytecodealliance/jco 1.35.0
# jco 1.35's embedded WIT reader needs '/' pre-opened (jco-preopen.mjs), see ../shared/docs/building-test-wasm.md.
set -eu
cd "$(dirname "$0")"
JCO="node --import ./jco-preopen.mjs node_modules/.bin/jco"
clang --target=wasm32-wasi -O2 -mexec-model=reactor -Wl,--strip-debug values.c -o values.core.wasm
$JCO embed values.core.wasm --wit wit -n values -o values.embed.wasm
node_modules/.bin/jco new values.embed.wasm -o values.component.wasm
rm values.core.wasm values.embed.wasm
# drawing: a WIT-only component (jco's dummy core module traps in every export) for decoding its world
$JCO embed --dummy --wit drawing/wit -n drawing -o drawing.embed.wasm
node_modules/.bin/jco new drawing.embed.wasm -o drawing.component.wasm
rm drawing.embed.wasm
ls -l values.component.wasm drawing.component.wasm
