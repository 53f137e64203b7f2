#!/usr/bin/env python3
"""Prints README's Performance table from a compare.sh JSON (A = Berth, B = the reference).

    python3 benchmarks/scripts/compare-table.py benchmarks/results/RUN.json
"""
import json
import sys


def main(path):
    run = json.load(open(path))
    a, b, r = run["A"], run["B"], run["ratio_A_over_B"]

    def pair(key, fmt="{:.0f}"):
        return fmt.format(a[key]), fmt.format(b[key])

    def ratio(key):
        return "{:.3g}×".format(r[key])

    rows = [
        ("upload 512 MiB, one request", "{} MB/s", "a.upload_monolithic_MBps"),
        ("upload 512 MiB, 64 chunks", "{} MB/s", "b.upload_chunked_MBps"),
        ("download 512 MiB", "{} MB/s", "c.download_MBps"),
    ]
    print("| figure | Berth | reference | ratio |")
    print("|---|---|---|---|")
    for title, unit, key in rows:
        x, y = pair(key)
        print("| {} | {} | {} | {} |".format(title, unit.format(x), unit.format(y), ratio(key)))
    for title, op in (("manifest GET by tag", "get_tag"), ("manifest HEAD by digest", "head_digest")):
        c16, c64 = "d.%s_c16_rps" % op, "d.%s_c64_rps" % op
        print("| {}, 16 / 64 connections (wrk) | {:.0f} / {:.0f} req/s | {:.0f} / {:.0f} req/s | {} / {} |".format(
            title, a[c16], a[c64], b[c16], b[c64], ratio(c16), ratio(c64)))
        p16, p64 = "d.%s_c16_p99_ms" % op, "d.%s_c64_p99_ms" % op
        print("| p99 of those | {:.1f} / {:.1f} ms | {:.0f} / {:.0f} ms | {:.2f} / {:.2f} |".format(
            a[p16], a[p64], b[p16], b[p64], r[p16], r[p64]))
    put = "d.put_manifest_c16_rps"
    print("| manifest PUT (one manifest, distinct tags), 16 connections | {:.0f} req/s | {:.0f} req/s | {} (p99 {:.2g}×) |"
          .format(a[put], b[put], ratio(put), r["d.put_manifest_c16_p99_ms"]))
    wall = "e.concurrent_push_wall_s"
    print("| 32 concurrent pushers, wall time | {:.2f} s | {:.2f} s | {} |".format(a[wall], b[wall], ratio(wall)))
    for title, kind in (("a 6-layer image", "single"), ("a 2-platform index", "index")):
        push, pull = "f.push_%s_s" % kind, "f.pull_%s_s" % kind
        print("| skopeo push / pull of {} | {:.2f} / {:.2f} s | {:.2f} / {:.2f} s | {} / {} |".format(
            title, a[push], a[pull], b[push], b[pull], ratio(push), ratio(pull)))
    rss = "g.server_peak_rss_MiB"
    print("| server peak RSS over the whole run | {:.0f} MiB | {:.0f} MiB | |".format(a[rss], b[rss]))
    cpu = "g.server_cpu_s"
    print("| server CPU over the whole run | {:.0f} s | {:.0f} s | {} |".format(a[cpu], b[cpu], ratio(cpu)))


if __name__ == "__main__":
    main(sys.argv[1])
