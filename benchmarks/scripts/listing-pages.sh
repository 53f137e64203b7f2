#!/usr/bin/env bash
# Listings of a large disk registry, one server build against another on the same data: start-up to
# the first manifest served, then medians of 20 for the first and a middle page (n=100) of a tags
# list and of the catalog, and the seconds to follow every page's Link by curl. Usage:
# listing-pages.sh JAR DATA_DIR REPOSITORY TAG_IN_THE_MIDDLE BIG_REPOSITORY REPOSITORY_IN_THE_MIDDLE
# (with ScaleRun's data: listing-pages.sh JAR DIR/data team050000/app v0050000 big0/app team050000/app)
set -euo pipefail
jar=$1; data=$2; probe=$3; middle_tag=$4; big=$5; middle_repository=$6
flags=$(bash "$(dirname "$0")/readme-jvm-flags.sh")
port=5198
base=http://127.0.0.1:$port
start=$(date +%s%N)
# shellcheck disable=SC2086 # the flags are words
java $flags -jar "$jar" --host 127.0.0.1 --port $port -d "$data" --gc-interval off --no-request-log >/dev/null 2>&1 &
pid=$!
trap 'kill $pid' EXIT
accept='Accept: application/vnd.oci.image.manifest.v1+json'
for _ in $(seq 1 6000); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' -H "$accept" "$base/v2/$probe/manifests/v1")" = 200 ] && break
  sleep 0.005
done
echo "start-up to the first manifest served: $(( ($(date +%s%N) - start) / 1000000 )) ms"
median_ms() {
  for _ in $(seq 1 23); do curl -s -o /dev/null -w '%{time_total}\n' "$1"; done | tail -20 | sort -n \
    | sed -n 10p | awk '{ printf "%.1f ms", $1 * 1000 }'
}
every_page() {
  local next=$1 pages=0 t0
  t0=$(date +%s%N)
  while [ -n "$next" ]; do
    next=$(curl -s -D - -o /dev/null "$base$next" | tr -d '\r' | sed -n 's/^[Ll]ink: <\([^>]*\)>.*/\1/p')
    pages=$((pages + 1))
  done
  echo "$pages pages in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
}
echo "tags/list of $big: first page $(median_ms "$base/v2/$big/tags/list?n=100"), middle page $(median_ms "$base/v2/$big/tags/list?n=100&last=$middle_tag"), every page: $(every_page "/v2/$big/tags/list?n=100")"
echo "_catalog: first page $(median_ms "$base/v2/_catalog?n=100"), middle page $(median_ms "$base/v2/_catalog?n=100&last=$middle_repository"), every page: $(every_page "/v2/_catalog?n=100")"
echo "peak RSS: $(awk '/VmHWM/ { printf "%d MiB", $2 / 1024 }' /proc/$pid/status)"
