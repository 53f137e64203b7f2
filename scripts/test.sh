#!/usr/bin/env bash
# The one test command (README.md and .ci/run both call it): installs the real clients the
# integration tests drive (Debian's skopeo, podman, docker.io and docker-registry, and curl for README's tour)
# when they are missing, then runs every module's tests, including the *IT tests that start the
# packaged server, and checks that the build's output is clean.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v skopeo >/dev/null 2>&1 || missing+=(skopeo)
command -v podman >/dev/null 2>&1 || missing+=(podman)
command -v curl >/dev/null 2>&1 || missing+=(curl)  # README's tour, run by ReadmeTourIT
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)  # the private daemon of DockerPolicyIT, MirrorIT and ContainerImageIT
command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)  # MirrorIT's upstream (CNCF distribution)
command -v htpasswd >/dev/null 2>&1 || missing+=(apache2-utils)  # its htpasswd file
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "installing ${missing[*]} for the client integration tests"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# the build's own output must stay clean: no terminal colour codes in logs, no shade overlaps
mkdir -p target
log=target/test-build.log
set +e
mvn -B -ntp verify "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
if [ "$status" -ne 0 ]; then
  exit "$status"
fi
if grep -q $'\033\[' "$log"; then
  echo "the build printed terminal colour codes (see .mvn/jvm.config)" >&2
  exit 1
fi
if grep -q "overlapping resource\|overlapping classes" "$log"; then
  echo "maven-shade-plugin found overlapping files; merge or exclude them in the root pom's shade configuration:" >&2
  grep -A3 "overlapping" "$log" >&2
  exit 1
fi
