#!/usr/bin/env bash
# Measures the release build: what a browser downloads (WASM, JS, CSS: raw, gzip -9,
# brotli -q 11) and how many requests per second the server answers for the home page beside
# a static file of the same size served by the same server. Loopback only, bounded in time.
#
# Usage: bench/run.sh [seconds per load run, default 10]
# Writes bench/results/latest.md and prints it.
source "$(dirname "$0")/../scripts/setup.sh"
ensure_build_tools
cd "$ROOT"

DURATION="${1:-10}"
PORT=3299
RESULTS="$ROOT/bench/results"
mkdir -p "$RESULTS"
OUT="$RESULTS/latest.md"

if ! command -v wrk >/dev/null || ! command -v brotli >/dev/null; then
  step "Installing wrk and brotli (Debian)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk brotli
fi

step "Release build"
build_release_site

WORK="$(mktemp -d)"
trap 'kill "$SERVER_PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
cp -r "$ROOT/target/site" "$WORK/site"

size_row() {
  local file="$1" label="$2"
  printf '| %s | %s | %s | %s |\n' "$label" "$(stat -c %s "$file")" \
    "$(gzip -9 -c "$file" | wc -c)" "$(brotli -q 11 -c "$file" | wc -c)"
}

{
  echo "# Benchmark results"
  echo
  echo "Measured $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores ($(uname -m)), rustc $(rustc --version | cut -d' ' -f2)."
  echo
  echo "## What the browser downloads (bytes)"
  echo
  echo "| file | raw | gzip -9 | brotli -q 11 |"
  echo "|---|---|---|---|"
  for file in "$WORK"/site/pkg/*.wasm "$WORK"/site/pkg/*.js "$WORK"/site/pkg/*.css; do
    [ -f "$file" ] && size_row "$file" "$(basename "$file")"
  done
  echo
  echo "Loaded by the staff editor only (live preview):"
  echo
  echo "| file | raw | gzip -9 | brotli -q 11 |"
  echo "|---|---|---|---|"
  for file in "$WORK"/site/editor/*; do
    [ -f "$file" ] && size_row "$file" "editor/$(basename "$file")"
  done
} > "$OUT"

# Starts the release server on $PORT with the demo content and waits until it answers.
start_server() {
  AQXC_LISTEN="127.0.0.1:$PORT" AQXC_DATABASE_URL="sqlite://$WORK/bench.db" AQXC_CONTENT_DIR="$ROOT/content" \
    AQXC_SITE_ROOT="$WORK/site" RUST_LOG=warn "$CARGO_TARGET_DIR/release/server" serve &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && return
    sleep 0.1
  done
}

step "Starting the server on 127.0.0.1:$PORT"
start_server

# A static file with exactly the bytes of the home page, served from the same in-memory store.
curl -fs "http://127.0.0.1:$PORT/" > "$WORK/site/home-copy.html"
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
start_server

rps() {
  wrk -t2 -c64 -d"${DURATION}s" --timeout 5s "http://127.0.0.1:$PORT$1" |
    awk '/Requests\/sec/ { print $2 }'
}

ARTICLE="/articles/$(ls "$ROOT/content/articles" | sort | tail -n 1 | sed -E 's/^[0-9]{4}-[0-9]{2}-[0-9]{2}-//; s/\.md$//')"
page_bytes() { curl -fs "http://127.0.0.1:$PORT$1" | wc -c; }

step "Load: home, article list, one article, and a static copy of the home page, ${DURATION}s each (wrk -t2 -c64)"
HOME_RPS="$(rps /)"
LIST_RPS="$(rps /articles)"
ARTICLE_RPS="$(rps "$ARTICLE")"
STATIC_RPS="$(rps /home-copy.html)"
HOME_BYTES="$(stat -c %s "$WORK/site/home-copy.html")"
{
  echo
  echo "## Requests per second (wrk -t2 -c64 -d${DURATION}s, loopback, no compression)"
  echo
  echo "| what | bytes | req/s |"
  echo "|---|---|---|"
  echo "| home page, server-rendered | $HOME_BYTES | $HOME_RPS |"
  echo "| article list \`/articles\` | $(page_bytes /articles) | $LIST_RPS |"
  echo "| one article \`$ARTICLE\` | $(page_bytes "$ARTICLE") | $ARTICLE_RPS |"
  echo "| the same bytes as a static file | $HOME_BYTES | $STATIC_RPS |"
} >> "$OUT"

cat "$OUT"
