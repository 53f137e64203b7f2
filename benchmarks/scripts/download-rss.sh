#!/usr/bin/env bash
# Blob downloads against one packaged server started as README starts it: a 100 KiB blob and
# (unless SMALL_ONLY=1) a 64 MiB blob, each fetched by ab at 16 connections; prints requests/s,
# MB/s and the server's peak RSS (VmHWM). Usage: download-rss.sh JAR PORT LABEL
set -euo pipefail
jar=$1; port=$2; label=$3
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
# shellcheck disable=SC2046 # the flags are words
java $(bash "$(dirname "$0")/readme-jvm-flags.sh") -jar "$jar" --port "$port" -d "$work/data" --access-log off > "$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/v2/" > /dev/null && break; sleep 0.1; done
r=http://127.0.0.1:$port/v2/dl/app/blobs
head -c 102400 /dev/urandom > "$work/small"; head -c 67108864 /dev/urandom > "$work/large"
small=sha256:$(sha256sum "$work/small" | cut -d' ' -f1); large=sha256:$(sha256sum "$work/large" | cut -d' ' -f1)
curl -sf -o /dev/null -X POST --data-binary @"$work/small" "$r/uploads/?digest=$small"
curl -sf -o /dev/null -X POST --data-binary @"$work/large" "$r/uploads/?digest=$large"
ab -q -k -c 16 -n 4000 "$r/$small" > /dev/null 2>&1   # warm-up
rps=$(ab -q -k -c 16 -n 40000 "$r/$small" 2>&1 | awk '/Requests per second/ {print $4}')
mbs=-
if [ "${SMALL_ONLY:-0}" != 1 ]; then
  mbs=$(ab -q -k -c 16 -n 320 "$r/$large" 2>&1 | awk '/Transfer rate/ {printf "%.0f", $3 / 1024}')
fi
hwm=$(awk '/VmHWM/ {printf "%d", $2 / 1024}' /proc/$pid/status)
echo "$label 100KiB=${rps}req/s 64MiB=${mbs}MB/s VmHWM=${hwm}MiB"
