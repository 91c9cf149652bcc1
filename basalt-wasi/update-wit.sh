#!/usr/bin/env bash
# Bundles the WASI WIT the hosts are typed by into class-path resources, one file per package (its files
# concatenated under a single `package` line), because a jar cannot list a resource directory:
#   ./update-wit.sh        WASI 0.2 (../shared/wasi-wit/wasip2, wasi:*@0.2.12) -> dev/basalt/wasi/preview2/wit
#   ./update-wit.sh p3     WASI 0.3 (../shared/wasi-wit/wasip3, wasi:*@0.3.0)  -> dev/basalt/wasi/preview3/wit
# The packages are listed in dependency order (wasi:http is the last: it uses clocks and cli).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [ "${1:-p2}" = p3 ]; then
  set=wasip3; out="$here/src/main/resources/dev/basalt/wasi/preview3/wit"; pkgs="clocks random filesystem sockets cli http"
else
  set=wasip2; out="$here/src/main/resources/dev/basalt/wasi/preview2/wit"; pkgs="io clocks random filesystem sockets cli http"
fi
src="$here/../../shared/wasi-wit/$set"
[ -d "$src" ] || src="$here/../shared/wasi-wit/$set"
mkdir -p "$out"
for pkg in $pkgs; do
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
