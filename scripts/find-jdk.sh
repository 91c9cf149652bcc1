# Sourced by ./basalt, ./run-tests and .ci/run: sets JAVA_HOME to a JDK >= 21 or exits with a clear message.
# Order: $JAVA_HOME, then the newest JDK under /usr/lib/jvm (and /opt/java), then `java` on PATH.

basalt_java_major() {
  # Prints the major version of the java binary $1, or nothing if it does not run.
  local v
  v=$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n 1)
  case "$v" in 1.*) v=${v#1.} ;; esac
  printf '%s' "${v%%.*}"
}

basalt_find_jdk() {
  local need=21 cand best="" best_v=0 v
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    v=$(basalt_java_major "$JAVA_HOME/bin/java")
    if [ -n "$v" ] && [ "$v" -ge "$need" ]; then return 0; fi
  fi
  for cand in /usr/lib/jvm/* /opt/java/* /opt/jdk*; do
    [ -x "$cand/bin/javac" ] || continue
    v=$(basalt_java_major "$cand/bin/java")
    [ -n "$v" ] || continue
    if [ "$v" -ge "$need" ] && [ "$v" -gt "$best_v" ]; then best="$cand"; best_v=$v; fi
  done
  if [ -z "$best" ] && command -v javac >/dev/null 2>&1; then
    cand=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    v=$(basalt_java_major "$cand/bin/java")
    if [ -n "$v" ] && [ "$v" -ge "$need" ]; then best="$cand"; fi
  fi
  if [ -z "$best" ]; then
    echo "basalt: needs a JDK $need or newer (javac included), and found none." >&2
    echo "  Looked at \$JAVA_HOME (${JAVA_HOME:-unset}), /usr/lib/jvm/*, /opt/java/* and javac on PATH." >&2
    echo "  Install one, e.g. 'apt-get install openjdk-21-jdk-headless' (Debian/Ubuntu), or set JAVA_HOME." >&2
    exit 1
  fi
  export JAVA_HOME="$best"
}

basalt_find_jdk
export PATH="$JAVA_HOME/bin:$PATH"
