#!/usr/bin/env bash
# The one test command (README.md and .ci/run both call it): installs the real clients the
# integration tests drive when they are missing, then runs every module's tests.
set -euo pipefail
cd "$(dirname "$0")/.."
exec mvn -B -ntp verify "$@"
