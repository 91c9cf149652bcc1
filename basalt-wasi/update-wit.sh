#!/usr/bin/env bash
# Bundles the WASI 0.2 WIT the preview2 host is typed by (../shared/wasi-wit/wasip2, wasi:*@0.2.12) into
# src/main/resources/dev/basalt/wasi/preview2/wit: one file per package (its files concatenated under a single
# `package` line), because a jar cannot list a resource directory.
# wasi:http is the last: it uses io, clocks and cli.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
src="${1:-$here/../../shared/wasi-wit/wasip2}"
[ -d "$src" ] || src="$here/../shared/wasi-wit/wasip2"
out="$here/src/main/resources/dev/basalt/wasi/preview2/wit"
mkdir -p "$out"
for pkg in io clocks random filesystem sockets cli http; do
  files=("$src/$pkg"/*.wit)
  {
    grep -h "^package " "${files[@]}" | head -1
    for f in "${files[@]}"; do
      echo
      echo "// ---- $pkg/$(basename "$f")"
      grep -v "^package " "$f" || true
    done
  } > "$out/$pkg.wit"
  echo "$pkg.wit: ${#files[@]} files"
done
