#!/usr/bin/env bash
# Builds the base of Berth's container image from this machine's JDK, with no registry and no
# network: a jlink'd Java runtime, the shared libraries it links against, a user, /tmp, the data
# directory and a Docker health check, written as a `docker save` tarball for Jib's tar:// base.
#
#   base-image.sh OUT_DIR
set -euo pipefail
out=$1
java_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
uid=65532

rm -rf "$out" && mkdir -p "$out"
root=$out/rootfs
mkdir -p "$root"/{etc,tmp,var/lib/berth}
chmod 1777 "$root/tmp"

# what jdeps finds in berth.jar (less java.desktop, which only optional code paths touch), plus
# what is loaded by name: EC for TLS and tokens, DNS, zip file systems
modules=java.base,java.logging,java.management,java.naming,java.net.http,java.security.jgss,java.sql
modules=$modules,jdk.crypto.ec,jdk.management,jdk.naming.dns,jdk.net,jdk.unsupported,jdk.zipfs
"$java_home/bin/jlink" --module-path "$java_home/jmods" --add-modules "$modules" --output "$root/opt/java" \
  --strip-debug --no-man-pages --no-header-files --compress=2
# the runtime's own class-data archive: a faster start, and pages shared between processes
"$root/opt/java/bin/java" -Xshare:dump >/dev/null

# every shared library the runtime links against, at the path the loader looks for it
for elf in "$root/opt/java/bin/java" "$root"/opt/java/lib/*.so "$root"/opt/java/lib/server/*.so; do
  ldd "$elf" | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }'
done | grep -v "^$root/" | sort -u | while read -r lib; do  # the runtime's own libraries are in place
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done

printf 'root:x:0:0:root:/root:/sbin/nologin\nberth:x:%d:%d:berth:/var/lib/berth:/sbin/nologin\n' $uid $uid >"$root/etc/passwd"
printf 'root:x:0:\nberth:x:%d:\n' $uid >"$root/etc/group"
printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"

# one reproducible layer; root owns everything but the data directory
layer=$out/layer.tar
tar_opts=(--sort=name --mtime=@0 --numeric-owner --format=posix
  --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime)
(cd "$root" && tar "${tar_opts[@]}" --owner=0 --group=0 --exclude=./var/lib/berth -cf "$layer" .)
(cd "$root" && tar "${tar_opts[@]}" --owner=$uid --group=$uid -rf "$layer" ./var/lib/berth)
diff_id=sha256:$(sha256sum "$layer" | cut -d' ' -f1)

case "$(uname -m)" in
  x86_64) arch=amd64 ;;
  aarch64) arch=arm64 ;;
  *) arch=$(uname -m) ;;
esac
# the probe asks the admin endpoint's /health/ready: exit 0 once the server and its storage answer
probe='"/opt/java/bin/java","-XX:TieredStopAtLevel=1","-XX:+UseSerialGC","-Xmx16m","-Xss256k","-cp","/app/classes","dev.berth.registry.image.HealthProbe"'
cat >"$out/config.json" <<JSON
{"architecture":"$arch","os":"linux",
 "config":{"Env":["PATH=/opt/java/bin:/usr/bin:/bin","JAVA_HOME=/opt/java"],
  "Healthcheck":{"Test":["CMD",$probe],"Interval":30000000000,"Timeout":10000000000,"StartPeriod":20000000000,"Retries":3}},
 "rootfs":{"type":"layers","diff_ids":["$diff_id"]},
 "history":[{"created":"1970-01-01T00:00:00Z","created_by":"server-image/src/image/base-image.sh"}]}
JSON
echo '[{"Config":"config.json","RepoTags":["berth-base:local"],"Layers":["layer.tar"]}]' >"$out/manifest.json"
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$out" -cf "$out/base-image.tar" manifest.json config.json layer.tar
rm -rf "$root" "$layer" "$out/manifest.json" "$out/config.json"
