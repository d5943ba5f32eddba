#!/usr/bin/env bash
# One portal, two shapes, one run on this machine: the mixed load (contest participants
# starting and submitting while readers load pages) against
#   A. one instance on SQLite (the default), and
#   B. two instances on one PostgreSQL (a throwaway server of Debian's package) behind Debian's
#      nginx with deploy/nginx/aqxc.conf.
# Reports, per shape: scored submissions/s with p50/p99, reader requests/s, errors, and the
# resident memory of the server processes (and of PostgreSQL in B), as proportional set size. Writes
# bench/results/cluster.md.
#
# Usage: bench/cluster.sh [seconds of reading, default 10] [participants, default 2000]
source "$(dirname "$0")/../scripts/setup.sh"
ensure_build_tools
cd "$ROOT"
DURATION="${1:-10}"
PARTICIPANTS="${2:-2000}"
PORT=3296
WORK="$(mktemp -d)"
INSTANCES=()
NGINX_PID=""
cleanup() {
  for pid in "${INSTANCES[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null
  stop_throwaway_postgres
  rm -rf "$WORK"
}
trap cleanup EXIT
source "$ROOT/bench/lib.sh"
ensure_load_tools
ensure_nginx

step "Release build"
build_release_site
cargo build --quiet --release -p bench-load
cp -r "$ROOT/target/site" "$WORK/site"

# Starts one instance on $1 (port) with the database URL $2 and extra NAME=value settings.
start_instance() {
  local port="$1" url="$2"
  shift 2
  env AQXC_LISTEN="127.0.0.1:$port" AQXC_DATABASE_URL="$url" AQXC_CONTENT_DIR="$ROOT/content" \
    AQXC_SITE_ROOT="$WORK/site" AQXC_UPLOADS_DIR="$WORK/uploads" RUST_LOG=warn "$@" \
    "$CARGO_TARGET_DIR/release/server" serve &
  INSTANCES+=($!)
  for _ in $(seq 1 300); do
    curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && return
    sleep 0.1
  done
  echo "an instance did not start" >&2
  exit 1
}

# Proportional set size of the processes given, in MB: shared memory (PostgreSQL's buffers, the
# binary's pages) counted once across them, not once per process as resident sizes would.
rss_of() { # pids… → MB
  local total=0 pid kb
  for pid in "$@"; do
    kb="$(awk '/^Pss:/ { print $2 }' "/proc/$pid/smaps_rollup" 2>/dev/null || true)"
    total=$((total + ${kb:-0}))
  done
  echo $((total / 1024))
}

# The mixed load against $BASE with contest $1; samples the memory of the processes that the
# command in PIDS_CMD lists (evaluated at every sample: PostgreSQL starts a backend per connection).
mixed_load() {
  local contest="$1" label="$2"
  : > "$WORK/rss-$label.txt"
  ( while true; do rss_of $(eval "$PIDS_CMD") >> "$WORK/rss-$label.txt"; sleep 0.5; done ) &
  local sampler=$!
  "$CARGO_TARGET_DIR/release/contest_load" "$BASE" "$contest" "$PARTICIPANTS" 32 > "$WORK/contest-$label.txt" &
  local contest_load=$! readers=()
  for path in / "$(newest_article)" /articles /contest; do
    wrk -t1 -c16 -d"${DURATION}s" --timeout 5s "$BASE$path" > "$WORK/read-$label-${#readers[@]}.txt" &
    readers+=($!)
  done
  wait "${readers[@]}"
  wait "$contest_load"
  kill "$sampler" 2>/dev/null || true
}

summary_row() {
  local label="$1" shape="$2" requests=0 rate=0 errors=0 file
  for file in "$WORK"/read-"$label"-*.txt; do
    requests=$((requests + $(awk '/requests in/ { print $1 }' "$file")))
    rate=$((rate + $(awk '/Requests\/sec/ { printf "%d", $2 }' "$file")))
    errors=$((errors + $(awk '/Non-2xx/ { n += $NF } /Socket errors/ { gsub(",", ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' "$file")))
  done
  local contest
  contest="$(sed -nE 's/.*scored=([0-9]+) errors=([0-9]+) seconds=([0-9.]+) submissions_per_sec=([0-9]+) submit_p50_ms=([0-9.]+) submit_p99_ms=([0-9.]+).*/\4 | \5 | \6 | \2/p' "$WORK/contest-$label.txt")"
  echo "| $shape | $contest | $rate | $errors | $(sort -n "$WORK/rss-$label.txt" | tail -n 1) |"
}

step "A. One instance on SQLite"
BASE="http://127.0.0.1:$PORT"
start_instance "$PORT" "sqlite://$WORK/bench.db" AQXC_TRUST_FORWARDED_FOR=true
DB_URL="sqlite://$WORK/bench.db"
sign_in_staff
CONTEST="$(create_contest)"
PIDS_CMD='echo "${INSTANCES[@]}"'
mixed_load "$CONTEST" sqlite
kill "${INSTANCES[0]}"; wait "${INSTANCES[0]}" 2>/dev/null || true
INSTANCES=()

step "B. Two instances on PostgreSQL behind nginx"
start_throwaway_postgres
"$(dirname "$(ls /usr/lib/postgresql/*/bin/psql | sort -V | tail -1)")/psql" -q "$PG_URL" -c 'CREATE DATABASE bench' >/dev/null
PG_BENCH="${PG_URL%/postgres}/bench"
# The load generator stands for many visitors, each with an address of its own in
# X-Forwarded-For: here nginx passes it on, and the instances believe two hops.
start_instance $((PORT + 1)) "$PG_BENCH" AQXC_TRUSTED_PROXIES=2 AQXC_DB_MAX_CONNECTIONS=16
start_instance $((PORT + 2)) "$PG_BENCH" AQXC_TRUSTED_PROXIES=2 AQXC_DB_MAX_CONNECTIONS=16
mkdir -p "$WORK/nginx"/{body,proxy,temp}
sed -e "s/127.0.0.1:3001/127.0.0.1:$((PORT + 1))/; s/127.0.0.1:3002/127.0.0.1:$((PORT + 2))/" \
  -e "s/listen 80;/listen 127.0.0.1:$((PORT + 3));/" \
  -e 's/X-Forwarded-For $remote_addr;/X-Forwarded-For $proxy_add_x_forwarded_for;/' \
  -e '/location = \/ {/,/}/d' -e 's#location /aqxc/#location /#' deploy/nginx/aqxc.conf \
  > "$WORK/nginx/aqxc.conf"
cat > "$WORK/nginx/nginx.conf" <<EOF
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
worker_processes 1;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/body;
  proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/temp;
  uwsgi_temp_path $WORK/nginx/temp;
  scgi_temp_path $WORK/nginx/temp;
  include $WORK/nginx/aqxc.conf;
}
EOF
/usr/sbin/nginx -p "$WORK/nginx" -c nginx.conf -g 'daemon off;' &
NGINX_PID=$!
BASE="http://127.0.0.1:$((PORT + 3))"
for _ in $(seq 1 100); do curl -fs "$BASE/healthz" >/dev/null && break; sleep 0.1; done
JAR="$WORK/staff-cookies-pg"
DB_URL="$PG_BENCH"
echo "$STAFF_PASSWORD" | AQXC_DATABASE_URL="$PG_BENCH" RUST_LOG=warn \
  "$CARGO_TARGET_DIR/release/server" admin create --username benchduty \
  --role contest_admin --role inspector_admin --role editor >/dev/null
staff_post /api/sign_in username=benchduty "password=$STAFF_PASSWORD" >/dev/null
CONTEST="$(create_contest)"
PG_MASTER="$(head -n 1 "$PG_TMP/data/postmaster.pid")"
PIDS_CMD='echo "${INSTANCES[@]}" "$PG_MASTER" $(pgrep -P "$PG_MASTER")'
mixed_load "$CONTEST" postgres

mkdir -p "$ROOT/bench/results"
OUT="$ROOT/bench/results/cluster.md"
{
  echo "# Mixed load, one instance on SQLite and two on PostgreSQL behind nginx ($(date -u +%F))"
  echo
  echo "$PARTICIPANTS contest participants (32 at a time, each starting an attempt and submitting 20"
  echo "answers) while four wrk readers (16 connections each, ${DURATION}s: home, an article, the list,"
  echo "the contest page) load pages; the same machine, one run."
  echo
  echo "| shape | scored/s | p50 ms | p99 ms | contest errors | reader req/s | reader errors | peak memory MB (PSS) |"
  echo "|---|---|---|---|---|---|---|---|"
  summary_row sqlite "A. 1 instance, SQLite (the server)"
  summary_row postgres "B. 2 instances + PostgreSQL behind nginx (servers and PostgreSQL)"
} > "$OUT"
cat "$OUT"
