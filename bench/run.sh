#!/bin/sh
# Osprey's benchmark: bench/run.sh SCENARIO [options]   (bench/run.sh --help lists them)
# Builds nothing: run `mvn -q -DskipTests package` in the repository first. Starts the Osprey distribution
# (distribution/target/osprey) and any --peer on free loopback ports, one after the other, and writes
# bench/target/results/<timestamp>.md and .json.
# Environment: JAVA_HOME (else java on PATH), BENCH_JAVA_OPTS (the load generator's JVM options).
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
JAR=$(ls "$BENCH_DIR"/target/osprey-bench-*.jar 2>/dev/null | grep -v -e '-tests.jar' -e '-sources.jar' | head -n 1)
if [ -z "$JAR" ] || [ ! -d "$BENCH_DIR/target/lib" ]; then
  echo "bench is not built: run 'mvn -q -DskipTests package' in $ROOT first" >&2
  exit 2
fi
if [ -n "$JAVA_HOME" ]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi
# many sockets: raise the soft limit to the hard one if we can
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
exec "$JAVA" ${BENCH_JAVA_OPTS:--Xms256m -Xmx2g -XX:+UseParallelGC} -cp "$JAR:$BENCH_DIR/target/lib/*" \
  io.osprey.bench.Main --root "$ROOT" "$@"
