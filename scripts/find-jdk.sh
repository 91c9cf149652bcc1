# Sourced by ./basalt, ./run-tests and .ci/run: sets JAVA_HOME to a JDK >= 21 or exits with a clear message.
# Order: $JAVA_HOME, then the newest JDK under /usr/lib/jvm (and /opt/java), then `java` on PATH.

basalt_java_major() {
  # Prints the major version of the java binary $1, or nothing if it does not run. A JDK's `release` file names its
  # version (JAVA_VERSION="25.0.3"); reading it spares a JVM start (~0.1 s of CPU, more under load) on every
  # ./basalt command. Without one, the JVM is asked.
  local v="" home="${1%/bin/java}"
  if [ "$home" != "$1" ] && [ -x "$1" ] && [ -f "$home/release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$home/release" | head -n 1)
  fi
  if [ -z "$v" ]; then
    v=$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n 1)
  fi
  case "$v" in 1.*) v=${v#1.} ;; esac
  v=${v%%[!0-9]*}
  printf '%s' "$v"
}

basalt_find_jdk() {
  local need=21 cand best="" best_v=0 v seen=""
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    v=$(basalt_java_major "$JAVA_HOME/bin/java")
    if [ -n "$v" ] && [ "$v" -ge "$need" ]; then return 0; fi
    seen="$seen $JAVA_HOME (Java ${v:-?})"
  fi
  for cand in /usr/lib/jvm/* /opt/java/* /opt/jdk*; do
    [ -x "$cand/bin/javac" ] || continue
    v=$(basalt_java_major "$cand/bin/java")
    [ -n "$v" ] || continue
    seen="$seen $cand (Java $v)"
    if [ "$v" -ge "$need" ] && [ "$v" -gt "$best_v" ]; then best="$cand"; best_v=$v; fi
  done
  if [ -z "$best" ] && command -v javac >/dev/null 2>&1; then
    cand=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    v=$(basalt_java_major "$cand/bin/java")
    if [ -n "$v" ] && [ "$v" -ge "$need" ]; then
      best="$cand"
    else
      case "$seen" in *" $cand ("*) ;; *) seen="$seen $cand (Java ${v:-?}, on PATH)" ;; esac
    fi
  fi
  if [ -z "$best" ]; then
    {
      echo "basalt: needs a JDK $need or newer (with javac) and found none."
      echo "  Looked at \$JAVA_HOME (${JAVA_HOME:-unset}), /usr/lib/jvm/*, /opt/java/*, /opt/jdk* and javac on PATH."
      [ -n "$seen" ] && echo "  Found only:$seen"
      echo "  To fix, install a JDK >= $need and run again, or point JAVA_HOME at one:"
      echo "    - Debian 13, Ubuntu 24.04 and newer: apt-get install openjdk-21-jdk-headless"
      echo "    - Debian 12 (bookworm) has no openjdk-21 package: install Eclipse Temurin 21 or newer"
      echo "      (package temurin-21-jdk from Adoptium's apt repository, or unpack its tarball under /opt/java)"
      echo "    - any other JDK >= $need: export JAVA_HOME=/path/to/jdk"
    } >&2
    exit 1
  fi
  export JAVA_HOME="$best"
}

basalt_find_jdk
export PATH="$JAVA_HOME/bin:$PATH"
# JDK 24+ warns on every Maven start that Maven's own libraries use sun.misc.Unsafe; that noise is not ours.
if [ "$(basalt_java_major "$JAVA_HOME/bin/java")" -ge 24 ] 2>/dev/null; then
  case " ${MAVEN_OPTS:-} " in *sun-misc-unsafe*) ;; *) export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" ;; esac
fi
