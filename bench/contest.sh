#!/usr/bin/env bash
# Scored contest submissions per second on this machine with SQLite: many participants on
# loopback, each from an address of their own, start an attempt and submit it; bounded by the
# number of participants. Reports throughput, p50/p99 latency of the submissions, and errors.
#
# Usage: bench/contest.sh [participants, default 3000] [concurrency, default 64]
source "$(dirname "$0")/../scripts/setup.sh"
ensure_build_tools
cd "$ROOT"
PARTICIPANTS="${1:-3000}"
CONCURRENCY="${2:-64}"
PORT=3297
BASE="http://127.0.0.1:$PORT"
WORK="$(mktemp -d)"
trap 'kill "$SERVER_PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
export AQXC_DATABASE_URL="sqlite://$WORK/bench.db"

step "Release build"
cargo build --quiet --release -p server --bin server --example contest_load

step "Starting the server on $BASE (trusting X-Forwarded-For: one address per participant)"
AQXC_LISTEN="127.0.0.1:$PORT" AQXC_CONTENT_DIR="$ROOT/content" AQXC_SITE_ROOT="$ROOT/target/site" \
  AQXC_TRUST_FORWARDED_FOR=true RUST_LOG=warn "$CARGO_TARGET_DIR/release/server" serve &
SERVER_PID=$!
for _ in $(seq 1 100); do curl -fs "$BASE/healthz" >/dev/null && break; sleep 0.1; done

step "Creating a contest (20 questions, 20 minutes)"
PASSWORD="bench-contest-officer-2026"
echo "$PASSWORD" | "$CARGO_TARGET_DIR/release/server" admin create --username quizload --role contest_admin >/dev/null
JAR="$WORK/cookies"
curl -fs -c "$JAR" -b "$JAR" -H "Origin: $BASE" -o /dev/null \
  --data-urlencode username=quizload --data-urlencode "password=$PASSWORD" "$BASE/api/sign_in"
OPENS="$(TZ=Asia/Shanghai date -d '-1 hour' +%Y-%m-%dT%H:%M)"
CLOSES="$(TZ=Asia/Shanghai date -d '+1 day' +%Y-%m-%dT%H:%M)"
LOCATION="$(curl -s -c "$JAR" -b "$JAR" -H "Origin: $BASE" -H "Accept: text/html" -o /dev/null -D - \
  --data-urlencode "form[title]=压测竞赛" --data-urlencode "form[opens_at]=$OPENS" \
  --data-urlencode "form[closes_at]=$CLOSES" --data-urlencode "form[question_count]=20" \
  --data-urlencode "form[time_limit_minutes]=20" --data-urlencode "form[pass_percent]=60" \
  --data-urlencode "form[attempts_per_day]=3" --data-urlencode "form[ask_town]=on" \
  "$BASE/api/staff/contest_create")"
CONTEST="$(echo "$LOCATION" | tr -d '\r' | sed -nE 's#^[Ll]ocation: .*/admin/contests/([0-9]+).*#\1#p')"
echo "contest $CONTEST"

step "Load: $PARTICIPANTS participants, $CONCURRENCY at a time"
RSS_BEFORE="$(ps -o rss= -p "$SERVER_PID" | tr -d ' ')"
"$CARGO_TARGET_DIR/release/examples/contest_load" "$BASE" "$CONTEST" "$PARTICIPANTS" "$CONCURRENCY"
RSS_AFTER="$(ps -o rss= -p "$SERVER_PID" | tr -d ' ')"
echo "server resident memory: ${RSS_BEFORE} KiB before, ${RSS_AFTER} KiB after"

step "What the contest page downloads (the islands bundle)"
for file in "$ROOT"/target/site/pkg/*.wasm "$ROOT"/target/site/pkg/*.js; do
  printf '%s raw=%s brotli=%s\n' "$(basename "$file")" "$(stat -c %s "$file")" "$(brotli -q 11 -c "$file" | wc -c)"
done
