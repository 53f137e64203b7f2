#!/usr/bin/env bash
# Prints the JVM flags of README.md's run command (between `&& java` and `-jar
# server-app/target/berth.jar`), so that scripts start the server exactly as README does.
set -euo pipefail
readme="$(dirname "$0")/../../README.md"
flags=$(sed -n 's|.*&& java \(.*\) -jar server-app/target/berth\.jar.*|\1|p' "$readme" | head -n 1)
[ -n "$flags" ] || { echo "README.md has no 'java … -jar server-app/target/berth.jar' command" >&2; exit 1; }
echo "$flags"
