#!/usr/bin/env bash
# The portal's speed, size and memory, measured side by side in one run on this machine:
#
# 1. what each kind of page makes a visitor download (JS + WASM, raw and brotli), in Chromium;
# 2. requests per second for every kept page (home, an article, a revealed draw, a contest's
#    landing page, the lists, a leaderboard, the sign-in page) beside the same server sending a
#    static file of the same bytes, with no compression asked (identity) and as Chromium asks
#    (`Accept-Encoding: gzip, deflate, br, zstd`), with the bytes each sends;
# 3. a mixed load: contest participants starting and submitting while readers load pages,
#    bounded in time, counting every error;
# 4. the server's resident memory at rest, after the page load and at the peak of the mixed load;
# 5. Lighthouse 12.2.3 (mobile) performance and accessibility scores (skip with LIGHTHOUSE=0).
#
# Usage: bench/run.sh [seconds per load run, default 10] [contest participants, default 2000]
# LIGHTHOUSE=0 skips Lighthouse; SKIP_SITE_BUILD=1 uses the site already built.
# Writes bench/results/latest.md (not committed) and prints it.
source "$(dirname "$0")/../scripts/setup.sh"
ensure_build_tools
ensure_browser_tools
cd "$ROOT"

DURATION="${1:-10}"
PARTICIPANTS="${2:-2000}"
PORT=3299
WORK="$(mktemp -d)"
trap 'stop_server; rm -rf "$WORK"' EXIT
source "$ROOT/bench/lib.sh"
ensure_load_tools
RESULTS="$ROOT/bench/results"
mkdir -p "$RESULTS"
OUT="$RESULTS/latest.md"

step "Release build"
# SKIP_SITE_BUILD=1 measures the site already in target/site (e.g. while a test run uses it).
[ "${SKIP_SITE_BUILD:-0}" = 1 ] || build_release_site
cargo build --quiet --release -p bench-load

# Every participant of the load test comes from an address of its own (X-Forwarded-For).
SERVER_ENV=(AQXC_TRUST_FORWARDED_FOR=true)
step "Starting the server on $BASE; a contest and a revealed draw are set up by staff"
start_server "${SERVER_ENV[@]}"
sign_in_staff
CONTEST="$(create_contest)"
DRAW="$(create_revealed_draw)"
ARTICLE="$(newest_article)"
EDITOR="$(create_draft_article)"
PAGES=("home=/" "article=$ARTICLE" "draw=/inspections/draws/$DRAW" "contest=/contest/$CONTEST")
# Every kept page measured for speed: the main pages, the lists and the contest's entry.
KEPT_PAGES=("${PAGES[@]}" "inspections=/inspections" "articles=/articles" "contests=/contest"
  "leaderboard=/contest/$CONTEST/leaderboard" "login=/login")
# What Chromium sends with every request for a page.
BROWSER_ENCODINGS="gzip, deflate, br, zstd"

{
  echo "# Benchmark results"
  echo
  echo "Measured $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores ($(uname -m)), rustc $(rustc --version | cut -d' ' -f2), release build, loopback."
} > "$OUT"

step "What each kind of page downloads (Chromium, empty cache)"
(cd "$ROOT/end2end" && BENCH_STAFF_USER=benchduty BENCH_STAFF_PASSWORD="$STAFF_PASSWORD" \
  node "$ROOT/bench/downloads.cjs" "$BASE" "${PAGES[@]}" "articles=/articles" \
  "inspections=/inspections" "search=/inspections/search?q=%E5%BC%80%E5%B9%B3" \
  "leaderboard=/contest/$CONTEST/leaderboard" "practice=/contest/practice" "editor=$EDITOR" \
  "article-read-aloud=$ARTICLE#read") \
  > "$WORK/downloads.tsv"
{
  echo
  echo "## What a visitor downloads: JS + WASM per kind of page (bytes)"
  echo
  echo "| page | files | JS raw | WASM raw | total raw | total brotli -q 11 |"
  echo "|---|---|---|---|---|---|"
  for name in $(cut -f1 "$WORK/downloads.tsv" | uniq); do
    js=0 wasm=0 br=0 files=0
    while IFS=$'\t' read -r _ path; do
      [ "$path" = "-" ] && continue
      file="$WORK/site${path}"
      [ -f "$file" ] || continue
      size="$(stat -c %s "$file")"
      case "$path" in *.wasm) wasm=$((wasm + size)) ;; *) js=$((js + size)) ;; esac
      br=$((br + $(brotli -q 11 -c "$file" | wc -c)))
      files=$((files + 1))
    done < <(awk -F'\t' -v n="$name" '$1 == n' "$WORK/downloads.tsv")
    echo "| $name | $files | $js | $wasm | $((js + wasm)) | $br |"
  done
} >> "$OUT"

# Static copies of each page's bytes, served by the same server from its in-memory asset store.
for item in "${KEPT_PAGES[@]}"; do
  curl -fs "$BASE${item#*=}" > "$WORK/site/copy-${item%%=*}.html"
done
RSS_REST="$(server_rss_mb)"
stop_server
start_server "${SERVER_ENV[@]}"
sleep 1
RSS_START="$(server_rss_mb)"

# Requests per second of a path; a second argument is sent as Accept-Encoding.
rps() {
  local headers=()
  [ -n "${2:-}" ] && headers=(-H "Accept-Encoding: $2")
  wrk -t2 -c64 -d"${DURATION}s" --timeout 5s "${headers[@]}" "$BASE$1" > "$WORK/wrk.txt"
  if grep -qE "Non-2xx|Socket errors" "$WORK/wrk.txt"; then
    grep -E "Non-2xx|Socket errors" "$WORK/wrk.txt" >&2
  fi
  awk '/Requests\/sec/ { printf "%d", $2 }' "$WORK/wrk.txt"
}

# Bytes of the body a path sends for an Accept-Encoding, and the encoding used.
sent() {
  curl -fs -H "Accept-Encoding: $2" -o "$WORK/sent.bin" -w '%header{content-encoding}' "$BASE$1" >"$WORK/sent-encoding.txt"
  printf "%s %s" "$(stat -c %s "$WORK/sent.bin")" "$(cat "$WORK/sent-encoding.txt")"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

step "Requests per second, each kept page beside a static copy of its bytes, ${DURATION}s each (wrk -t2 -c64)"
{
  echo
  echo "## Requests per second: each kept page beside a static file of the same bytes"
  echo
  echo "wrk -t2 -c64 -d${DURATION}s on loopback (wrk shares the two cores), each page and its static"
  echo "copy (served by the same server from its in-memory asset store, compressed at start-up) in"
  echo "turn, first with no Accept-Encoding (identity), then as Chromium asks (\`$BROWSER_ENCODINGS\`)."
  echo "Anonymous pages are kept for 2 s by the server's page cache; a kept page is compressed once,"
  echo "from its second view, and sent as prepared."
  echo
  echo "| page | path | identity bytes | identity: page / static req/s | ratio | browser: bytes sent | browser: page / static req/s | ratio |"
  echo "|---|---|---|---|---|---|---|---|"
  for item in "${KEPT_PAGES[@]}"; do
    name="${item%%=*}" path="${item#*=}"
    # Two views and a moment: the kept page is then prepared in each encoding.
    sent "$path" "$BROWSER_ENCODINGS" >/dev/null
    sent "$path" "$BROWSER_ENCODINGS" >/dev/null
    sleep 0.3
    page_rps="$(rps "$path")"
    static_rps="$(rps "/copy-$name.html")"
    browser_page="$(rps "$path" "$BROWSER_ENCODINGS")"
    browser_static="$(rps "/copy-$name.html" "$BROWSER_ENCODINGS")"
    read -r bytes encoding <<<"$(sent "$path" "$BROWSER_ENCODINGS")"
    echo "| $name | \`$path\` | $(stat -c %s "$WORK/site/copy-$name.html") | $page_rps / $static_rps | $(ratio "$page_rps" "$static_rps") | $bytes (${encoding:-identity}) | $browser_page / $browser_static | **$(ratio "$browser_page" "$browser_static")** |"
  done
  echo
  echo "Rendering without the page cache (AQXC_PAGE_CACHE_MS=0), same pages, identity and browser:"
  echo
  echo "| page | req/s rendered every time, identity | with the browser's Accept-Encoding |"
  echo "|---|---|---|"
} >> "$OUT"
RSS_AFTER_PAGES="$(server_rss_mb)"
stop_server
start_server "${SERVER_ENV[@]}" AQXC_PAGE_CACHE_MS=0
for item in "${PAGES[@]}"; do
  echo "| ${item%%=*} | $(rps "${item#*=}") | $(rps "${item#*=}" "$BROWSER_ENCODINGS") |" >> "$OUT"
done
stop_server

step "Mixed load: $PARTICIPANTS contest participants (32 at a time) while readers load pages for ${DURATION}s"
start_server "${SERVER_ENV[@]}"
PEAK=0
(
  while kill -0 "$SERVER_PID" 2>/dev/null; do
    echo "$(server_rss_mb)" >> "$WORK/rss.txt"
    sleep 0.5
  done
) &
SAMPLER=$!
"$CARGO_TARGET_DIR/release/contest_load" "$BASE" "$CONTEST" "$PARTICIPANTS" 32 > "$WORK/contest.txt" &
CONTEST_LOAD=$!
READERS=()
for item in "${PAGES[@]:0:3}" "list=/articles"; do
  wrk -t1 -c16 -d"${DURATION}s" --timeout 5s -H "Accept-Encoding: $BROWSER_ENCODINGS" \
    "$BASE${item#*=}" > "$WORK/mixed-${item%%=*}.txt" &
  READERS+=($!)
done
wait "${READERS[@]}"
wait "$CONTEST_LOAD"
kill "$SAMPLER" 2>/dev/null || true
PEAK="$(sort -n "$WORK/rss.txt" | tail -n 1)"
{
  echo
  echo "## Mixed load: contest and readers at once"
  echo
  echo "Readers: four wrk runs of 16 connections each for ${DURATION}s (home, an article, the draw, the"
  echo "article list), asking as Chromium does (\`$BROWSER_ENCODINGS\`). Participants: \`contest_load\` (bench/load), 32 at a time, each starting an attempt"
  echo "(own cookie and address) and submitting 20 answers."
  echo
  echo "| what | requests | req/s | errors (non-2xx, socket) |"
  echo "|---|---|---|---|"
  for item in "${PAGES[@]:0:3}" "list=/articles"; do
    file="$WORK/mixed-${item%%=*}.txt"
    errors="$(awk '/Non-2xx/ { n += $NF } /Socket errors/ { gsub(",", ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' "$file")"
    echo "| reader \`${item#*=}\` | $(awk '/requests in/ { print $1 }' "$file") | $(awk '/Requests\/sec/ { printf "%d", $2 }' "$file") | $errors |"
  done
  sed -nE 's/.*scored=([0-9]+) errors=([0-9]+) seconds=([0-9.]+) submissions_per_sec=([0-9]+) submit_p50_ms=([0-9.]+) submit_p99_ms=([0-9.]+).*/| contest submissions (p50 \5 ms, p99 \6 ms, \3 s) | \1 | \4 | \2 |/p' "$WORK/contest.txt"
  echo
  echo "## Server memory (resident set)"
  echo
  echo "| when | MB |"
  echo "|---|---|"
  echo "| at rest after start-up | $RSS_START |"
  echo "| after setup and the download checks | $RSS_REST |"
  echo "| after the page load runs | $RSS_AFTER_PAGES |"
  echo "| peak during the mixed load | $PEAK |"
  echo "| after the mixed load | $(server_rss_mb) |"
} >> "$OUT"

if [ "${LIGHTHOUSE:-1}" != "0" ]; then
  step "Lighthouse 12.2.3, mobile settings, system Chromium"
  if ! [ -x "$TOOLS_DIR/node_modules/.bin/lighthouse" ] ||
    ! "$TOOLS_DIR/node_modules/.bin/lighthouse" --version | grep -qx "12.2.3"; then
    npm install --prefix "$TOOLS_DIR" --no-audit --no-fund --silent lighthouse@12.2.3
  fi
  {
    echo
    echo "## Lighthouse 12.2.3 (mobile: simulated slow 4G and 4x CPU slowdown; headless Chromium $(chromium --version 2>/dev/null | awk '{ print $2 }'))"
    echo
    echo "| page | performance | accessibility | first contentful paint | largest contentful paint | total blocking time |"
    echo "|---|---|---|---|---|---|"
  } >> "$OUT"
  for item in "${PAGES[@]}" "articles=/articles" "inspections=/inspections" "practice=/contest/practice"; do
    report="$WORK/lighthouse-${item%%=*}.json"
    CHROME_PATH=/usr/bin/chromium "$TOOLS_DIR/node_modules/.bin/lighthouse" "$BASE${item#*=}" \
      --only-categories=performance,accessibility --output=json --output-path="$report" --quiet \
      --chrome-flags="--headless=new --no-sandbox --disable-gpu --no-first-run" || continue
    jq -r --arg name "${item%%=*}" --arg path "${item#*=}" '"| \($name) `\($path)` | \(.categories.performance.score * 100 | round) | \(.categories.accessibility.score * 100 | round) | \(.audits["first-contentful-paint"].displayValue) | \(.audits["largest-contentful-paint"].displayValue) | \(.audits["total-blocking-time"].displayValue) |"' \
      "$report" >> "$OUT"
  done
fi

cat "$OUT"
