#!/usr/bin/env bash
# What issue 15's features cost a visitor, on a release server with the demo world: the
# certificate picture (bytes, and the time to draw it, uncached, as a phone asks for it), the
# practice bank and the service worker the practice page keeps, and the read-aloud script.
# The JS + WASM of each kind of page, before and after asking for read-aloud, is in
# `bench/run.sh`'s download table (`article-read-aloud`).
#
# Usage: bench/citizens.sh [pictures, default 20]
source "$(dirname "$0")/../scripts/setup.sh"
PICTURES="${1:-20}"
PORT=3297
WORK="$(mktemp -d)"
source "$(dirname "$0")/lib.sh"
ensure_build_tools
ensure_load_tools
cd "$ROOT"
trap 'stop_server; rm -rf "$WORK"' EXIT
if ! [ -x "$CARGO_TARGET_DIR/release/server" ]; then build_release_site; fi

step "Starting the release server with the demo world"
start_server AQXC_PUBLIC_ORIGIN="https://www.kaiping.gov.cn"
CODE="$(sqlite3 "$WORK/bench.db" "SELECT certificate FROM attempts WHERE certificate IS NOT NULL LIMIT 1")"
ENC='Accept-Encoding: gzip, deflate, br, zstd'

step "The certificate picture ($PICTURES draws, each uncached)"
for _ in $(seq 1 "$PICTURES"); do
  curl -s -o "$WORK/certificate.png" -H "$ENC" -w '%{time_total}\n' "$BASE/contest/certificate/$CODE.png"
done | sort -n | awk '{ t[NR] = $1 } END { printf "draw + send: median %.0f ms, fastest %.0f ms, slowest %.0f ms\n", t[int((NR + 1) / 2)] * 1000, t[1] * 1000, t[NR] * 1000 }'
echo "picture: $(stat -c %s "$WORK/certificate.png") bytes, $(file -b "$WORK/certificate.png" 2>/dev/null || echo PNG)"

step "What the practice page keeps for offline use (bytes sent to a browser)"
for path in /api/v1/practice-bank.json /practice-sw.js /practice-offline.js /read-aloud.js /manifest.webmanifest; do
  sent="$(curl -s -H "$ENC" -o /dev/null -w '%{size_download}' "$BASE$path")"
  raw="$(curl -s -o /dev/null -w '%{size_download}' "$BASE$path")"
  echo "$path: $raw bytes, $sent sent compressed"
done
