#!/usr/bin/env bash
# Start-up of the packaged server on an empty disk registry: milliseconds from launch to the first
# answer of GET /v2/, its resident memory (VmRSS) then, and again after SETTLE seconds idle.
# Usage: startup-rss.sh JAR ROUNDS [FLAGS] [SETTLE] (FLAGS: JVM flags in one word, README's when
# empty or absent; SETTLE: 7 by default).
set -euo pipefail
jar=$1; rounds=$2
flags=${3:-$(bash "$(dirname "$0")/readme-jvm-flags.sh")}
settle=${4:-7}
port=5199
for _ in $(seq 1 "$rounds"); do
  work=$(mktemp -d)
  start=$(date +%s%N)
  # shellcheck disable=SC2086 # the flags are words
  java $flags -jar "$jar" --port "$port" -d "$work/data" --access-log off > "$work/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 1000); do curl -sf -o /dev/null "http://127.0.0.1:$port/v2/" && break; sleep 0.01; done
  end=$(date +%s%N)
  first=$(awk '/VmRSS/ {print int($2 / 1024)}' /proc/$pid/status)
  sleep "$settle"
  echo "$(( (end - start) / 1000000 )) ms, $first MiB, $(awk '/VmRSS/ {print int($2 / 1024)}' /proc/$pid/status) MiB after ${settle} s idle"
  kill "$pid"; wait "$pid" 2>/dev/null || true; rm -rf "$work"
done
