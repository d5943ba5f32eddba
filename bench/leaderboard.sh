#!/usr/bin/env bash
# A contest's leaderboard page with many attempts: how long the server takes to render it with
# nothing kept (a fresh process each time: no page cache, no leaderboard memo), beside the SQL
# the leaderboard used before `contest_best` (ranking every attempt by window function).
#
# Usage: bench/leaderboard.sh [attempts, default 100000] [samples, default 5]
source "$(dirname "$0")/../scripts/setup.sh"
ensure_build_tools
cd "$ROOT"
ATTEMPTS="${1:-100000}"
SAMPLES="${2:-5}"
PORT=3296
WORK="$(mktemp -d)"
trap 'stop_server; rm -rf "$WORK"' EXIT
source "$ROOT/bench/lib.sh"
ensure_load_tools

step "Release build (the server only: the page is measured without its styles)"
cargo build --quiet --release -p server
mkdir -p "$WORK/site"

step "A contest with $ATTEMPTS submitted attempts (one per participant, from five towns)"
start_server
sign_in_staff
CONTEST="$(create_contest)"
stop_server
# Inserted unsubmitted, then scored in one UPDATE, so that the trigger keeps each best as the
# server's own submissions do.
sqlite3 "$WORK/bench.db" <<SQL
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $ATTEMPTS)
INSERT INTO attempts (id, contest_id, participant, client_ip, day, nickname, town, employer,
                      paper, started_at, deadline_at)
SELECT printf('bench-%08d', i), $CONTEST, printf('p%08d', i), printf('10.0.%d.%d', i / 256 % 256, i % 256),
       '2026-06-01', printf('参赛者%d', i),
       CASE i % 5 WHEN 0 THEN '三埠街道' WHEN 1 THEN '长沙街道' WHEN 2 THEN '月山镇'
                  WHEN 3 THEN '水口镇' ELSE '沙塘镇' END,
       '', '[]', 1780000000, 1780001200
FROM n;
UPDATE attempts SET submitted_at = started_at + 300, answers = '[]', review = '[]',
       score = abs(random() % 101), elapsed_secs = 60 + abs(random() % 1100),
       passed = 0, flagged_fast = 0
WHERE contest_id = $CONTEST;
SQL
echo "attempts: $(sqlite3 "$WORK/bench.db" "SELECT COUNT(*) FROM attempts WHERE contest_id = $CONTEST"), ranked people: $(sqlite3 "$WORK/bench.db" "SELECT COUNT(*) FROM contest_best WHERE contest_id = $CONTEST")"

step "The leaderboard page, rendered by a fresh server each time ($SAMPLES samples)"
TIMES=()
for _ in $(seq 1 "$SAMPLES"); do
  start_server
  TIMES+=("$(curl -fs -o "$WORK/board.html" -w '%{time_total}' "$BASE/contest/$CONTEST/leaderboard")")
  stop_server
done
grep -q "参赛者" "$WORK/board.html" || { echo "the leaderboard lists nobody" >&2; exit 1; }
printf '%s\n' "${TIMES[@]}" | sort -n | awk '{ t[NR] = $1 * 1000 } END {
  printf "leaderboard page, first render of a fresh process: median %.1f ms, min %.1f ms, max %.1f ms\n", t[int((NR + 1) / 2)], t[1], t[NR] }'

step "The same ranking as the SQL before contest_best computed it (every attempt, window function)"
sqlite3 "$WORK/bench.db" <<SQL | grep -i "run time" | tail -n 1 | sed 's/^/before: /'
.timer on
SELECT COUNT(*) FROM (SELECT nickname, town, score, elapsed_secs FROM (
    SELECT nickname, town, score, elapsed_secs,
           ROW_NUMBER() OVER (PARTITION BY participant ORDER BY score DESC, elapsed_secs, submitted_at) AS n
    FROM attempts WHERE contest_id = $CONTEST AND submitted_at IS NOT NULL AND flagged_fast = 0) AS best
 WHERE n = 1 ORDER BY score DESC, elapsed_secs LIMIT 50);
SQL
sqlite3 "$WORK/bench.db" <<SQL | grep -i "run time" | tail -n 1 | sed 's/^/now: /'
.timer on
SELECT COUNT(*) FROM (SELECT nickname, town, score, elapsed_secs FROM contest_best
 WHERE contest_id = $CONTEST AND flagged_fast = 0 ORDER BY score DESC, elapsed_secs, submitted_at LIMIT 50);
SQL

step "The town table, before (every attempt) and now (each person's best)"
sqlite3 "$WORK/bench.db" <<SQL | grep -i "run time" | tail -n 1 | sed 's/^/before: /'
.timer on
SELECT COUNT(*) FROM (SELECT town, COUNT(*), AVG(score) FROM (
    SELECT town, MAX(score) AS score FROM attempts
    WHERE contest_id = $CONTEST AND submitted_at IS NOT NULL AND town != ''
    GROUP BY participant, town) AS best GROUP BY town);
SQL
sqlite3 "$WORK/bench.db" <<SQL | grep -i "run time" | tail -n 1 | sed 's/^/now: /'
.timer on
SELECT COUNT(*) FROM (SELECT town, COUNT(*), AVG(score) FROM contest_best
 WHERE contest_id = $CONTEST AND town != '' GROUP BY town);
SQL
