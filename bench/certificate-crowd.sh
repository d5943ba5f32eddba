#!/usr/bin/env bash
# A crowd asking for one certificate picture at once, as a script replaying a shared link would:
# the server's resident memory (now and at its peak, from /proc) before and after, how the
# crowd was answered (200, or 503 with Retry-After past AQXC_CERTIFICATE_DRAWINGS), and how long
# a reader's ordinary page took meanwhile. Before the pictures were kept and their drawings
# bounded, 300 such requests took a server from 114 MB to 2.6 GB.
#
# Usage: bench/certificate-crowd.sh [requests, default 500]
# SERVER_BIN=path/to/server measures another build (e.g. a debug one) without building.
source "$(dirname "$0")/../scripts/setup.sh"
REQUESTS="${1:-500}"
PORT=3298
WORK="$(mktemp -d)"
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
trap 'stop_server; rm -rf "$WORK"' EXIT
if [ -z "${SERVER_BIN:-}" ]; then
  ensure_build_tools
  if ! [ -x "$CARGO_TARGET_DIR/release/server" ]; then build_release_site; fi
fi
if ! command -v sqlite3 >/dev/null; then ensure_load_tools; fi

# The server's resident memory now and at its peak, in MB (VmRSS and VmHWM, in kB in /proc).
memory() {
  awk '/^VmRSS:/ { rss = $2 } /^VmHWM:/ { hwm = $2 } END { printf "resident %d MB, peak %d MB\n", rss / 1024, hwm / 1024 }' \
    "/proc/$SERVER_PID/status"
}

step "Starting the server with the demo world"
start_server AQXC_PUBLIC_ORIGIN="https://www.kaiping.gov.cn"
CODE="$(sqlite3 "$WORK/bench.db" "SELECT certificate FROM attempts WHERE certificate IS NOT NULL LIMIT 1")"
[ -n "$CODE" ] || { echo "the demo world has no certificate" >&2; exit 1; }
PICTURE="$BASE/contest/certificate/$CODE.png"
READER="$BASE/articles"
curl -s -o /dev/null "$READER"
echo "at rest: $(memory)"
echo "a reader's page alone: $(curl -s -o /dev/null -w '%{time_total}' "$READER" | awk '{ printf "%.0f ms", $1 * 1000 }')"

step "$REQUESTS parallel requests for the picture of $CODE, a reader meanwhile"
# A reader asks for an ordinary page every 50 ms while the crowd is served.
(
  while [ ! -f "$WORK/crowd-done" ]; do
    curl -s -o /dev/null -w '%{http_code} %{time_total}\n' "$READER"
    sleep 0.05
  done
) >"$WORK/reader.txt" &
READER_PID=$!
# curl runs at most 300 transfers at once, so the crowd is split among several curls.
CHUNK=250
for ((first = 0; first < REQUESTS; first += CHUNK)); do
  count=$((REQUESTS - first < CHUNK ? REQUESTS - first : CHUNK))
  for _ in $(seq 1 "$count"); do echo "url = \"$PICTURE\""; echo 'output = "/dev/null"'; done >"$WORK/crowd-$first.curl"
done
STARTED="$(date +%s.%N)"
CROWD=()
for part in "$WORK"/crowd-*.curl; do
  curl -s --no-progress-meter --parallel --parallel-immediate --parallel-max "$CHUNK" -K "$part" \
    -w '%{http_code} %{time_total} %header{retry-after}\n' >"$part.txt" 2>/dev/null &
  CROWD+=($!)
done
wait "${CROWD[@]}"
cat "$WORK"/crowd-*.curl.txt >"$WORK/crowd.txt"
FINISHED="$(date +%s.%N)"
touch "$WORK/crowd-done"
wait "$READER_PID"
echo "after the crowd: $(memory)"

step "How they were answered"
awk -v took="$(awk -v a="$STARTED" -v b="$FINISHED" 'BEGIN { print b - a }')" '
  { count[$1]++; if ($1 == 503 && $3 != "") told++ }
  END {
    for (status in count) printf "HTTP %s: %d\n", status, count[status]
    printf "503 with Retry-After: %d; the whole crowd took %.1f s\n", told, took
  }' "$WORK/crowd.txt"
sort -k2 -n "$WORK/crowd.txt" | awk '{ t[NR] = $2 } END { printf "picture: median %.0f ms, slowest %.0f ms\n", t[int((NR + 1) / 2)] * 1000, t[NR] * 1000 }'
sort -k2 -n "$WORK/reader.txt" | awk '
  { t[NR] = $2; if ($1 != 200) failed++ }
  END { printf "reader meanwhile (%d pages, %d not 200): median %.0f ms, slowest %.0f ms\n", NR, failed, t[int((NR + 1) / 2)] * 1000, t[NR] * 1000 }'
