#!/usr/bin/env bash
# Scored contest submissions per second on this machine: many participants on loopback, each
# from an address of their own, start an attempt and submit it; bounded by the number of
# participants. Reports throughput, p50/p99 latency of the submissions, and errors.
#
# Usage: bench/contest.sh [participants, default 3000] [concurrency, default 64] [sqlite|postgres]
# `postgres` runs the same load on a throwaway PostgreSQL (Debian's) instead of SQLite.
source "$(dirname "$0")/../scripts/setup.sh"
ensure_build_tools
cd "$ROOT"
PARTICIPANTS="${1:-3000}"
CONCURRENCY="${2:-64}"
DATABASE="${3:-sqlite}"
PORT=3297
WORK="$(mktemp -d)"
trap 'stop_server; [ "$DATABASE" = postgres ] && stop_throwaway_postgres; rm -rf "$WORK"' EXIT
source "$ROOT/bench/lib.sh"
ensure_load_tools

step "Release build"
# SKIP_SITE_BUILD=1: the contest's API needs no WASM; the site already built (if any) is used.
[ "${SKIP_SITE_BUILD:-0}" = 1 ] || build_release_site
cargo build --quiet --release -p server
cargo build --quiet --release -p bench-load

if [ "$DATABASE" = postgres ]; then
  step "A throwaway PostgreSQL"
  ensure_postgres
  start_throwaway_postgres
  DB_URL="$PG_URL"
fi

step "Starting the server on $BASE on $DATABASE (trusting X-Forwarded-For: one address per participant)"
start_server AQXC_TRUST_FORWARDED_FOR=true

step "Creating a contest (20 questions, 20 minutes)"
sign_in_staff
CONTEST="$(create_contest)"
echo "contest $CONTEST"

step "Load: $PARTICIPANTS participants, $CONCURRENCY at a time"
RSS_BEFORE="$(server_rss_mb)"
"$CARGO_TARGET_DIR/release/contest_load" "$BASE" "$CONTEST" "$PARTICIPANTS" "$CONCURRENCY"
echo "server resident memory: ${RSS_BEFORE} MB before, $(server_rss_mb) MB after"
