#!/usr/bin/env bash
# Runs the benchmarks side by side and writes benchmarks/RESULTS.md and benchmarks/results.png.
#
#   benchmarks/run.sh            full run, about 36 minutes on 2 cores
#   benchmarks/run.sh --quick    smoke run of a few minutes, written to benchmarks/target/quick/
#   benchmarks/run.sh --only=jmh,startup,aotcache,sidebyside,load,storm,outage   a subset (combine with --quick)
#   benchmarks/run.sh --only=sidebyside --handwired-observed   measurement 7 with the hand-assembled app observing
#                                each statement too (datasource-micrometer), written to benchmarks/target/handwired-observed/
#
# Needs Java 17+, and Debian's pgbouncer and wrk (installed here with apt-get when missing and run as root).
# Starts its own PostgreSQL and PgBouncer on loopback and stops them when done: no setup.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

quick=false
observed=false
for arg in "$@"; do
  case "$arg" in
    --quick) quick=true ;;
    --handwired-observed) observed=true ;;
    --only=*) ;;
    *) echo "usage: benchmarks/run.sh [--quick] [--only=jmh,startup,aotcache,sidebyside,load,storm,outage] [--handwired-observed]" >&2; exit 2 ;;
  esac
done

missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
[ -x /usr/sbin/pgbouncer ] || command -v pgbouncer >/dev/null 2>&1 || missing+=(pgbouncer)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing ${missing[*]} (Debian packages)..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null; }
  else
    echo "Missing: ${missing[*]}. Install them (Debian: apt-get install -y ${missing[*]}) and run again." >&2
    exit 1
  fi
fi
# The distribution's pgbouncer service is not used: the harness starts its own instances.
systemctl disable --now pgbouncer >/dev/null 2>&1 || service pgbouncer stop >/dev/null 2>&1 || true

echo "Building the starter, the sample app and the benchmarks (tests skipped)..."
# Resolving the classpaths in the same reactor build makes them point at the jars just built here.
./mvnw -B -q -pl sample-app,benchmarks/harness,benchmarks/classpath-boot-actuator,benchmarks/classpath-starter-lean,benchmarks/handwired-app,benchmarks/handwired-sample,benchmarks/classpath-jdbc-observation -am package dependency:build-classpath -DskipTests \
  -Dmdep.outputFile=target/classpath.txt -DincludeScope=runtime

out="$root/benchmarks"
if [ "$quick" = true ]; then
  out="$root/benchmarks/target/quick"
fi
# Not the goal's baseline: never in benchmarks/RESULTS.md.
if [ "$observed" = true ]; then
  out="$root/benchmarks/target/handwired-observed"
fi
mkdir -p "$out" benchmarks/target
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# NEON_BENCHMARKS_JAVA_OPTS: more options for the harness's JVM, for example
# -Dneon.benchmarks.app-jvm-args=-XX:StartFlightRecording=filename=/tmp/{app}.jfr to profile the apps of measurement 3.
# shellcheck disable=SC2086
"$java" -Xms512m -Xmx2g -Dneon.benchmark.root="$root" ${NEON_BENCHMARKS_JAVA_OPTS:-} \
  -cp "benchmarks/harness/target/classes:$(cat benchmarks/harness/target/classpath.txt)" \
  dev.neonstarter.benchmarks.BenchmarkSuite --out="$out" --command="benchmarks/run.sh${*:+ $*}" "$@" \
  2>&1 | tee benchmarks/target/run.log
