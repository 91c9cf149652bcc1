#!/usr/bin/env bash
# Wraps the preview1 test programs (src/test/resources/wasi/*.wasm, built by build-test-wasm.sh) into WASI 0.2
# command components with jco's preview1 adapter, into src/test/resources/wasi-p2 (committed, so tests need no
# node). The adapter imports wasi:*@0.2.12 and exports wasi:cli/run@0.2.12. Needs the jco kit
# (../shared/docs/building-test-wasm.md section 5): JCO=/path/to/node_modules/.bin/jco, default /tmp/jcokit.
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
