#!/usr/bin/env bash
# The public enterprise search over a large registry, before and after it went through an index
# (SQLite FTS5 trigram table, migration 0015) with one statement per search: a fresh release
# server of each revision on a registry of synthetic enterprises, each query asked for several
# times under a new address (so the page cache never answers).
#
# Usage: bench/search.sh [enterprises, default 100000] [samples, default 7] [before, default f54de7e]
#
# "Before" is built from a temporary worktree at that revision into its own target folder
# ($CARGO_TARGET_DIR/bench-before); "after" is this checkout.
source "$(dirname "$0")/../scripts/setup.sh"
ensure_build_tools
cd "$ROOT"
ENTERPRISES="${1:-100000}"
SAMPLES="${2:-7}"
BEFORE="${3:-f54de7e}"
PORT=3295
WORK="$(mktemp -d)"
SERVER_PID=
BEFORE_TREE="$WORK/before"
BEFORE_TARGET="$CARGO_TARGET_DIR/bench-before"
cleanup() {
  [ -n "$SERVER_PID" ] && stop_server
  git -C "$ROOT" worktree remove --force "$BEFORE_TREE" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
source "$ROOT/bench/lib.sh"
ensure_load_tools

step "Release builds: $BEFORE (before) and this checkout (after), the server only"
git -C "$ROOT" worktree add --quiet --detach "$BEFORE_TREE" "$BEFORE"
(cd "$BEFORE_TREE" && CARGO_TARGET_DIR="$BEFORE_TARGET" cargo build --quiet --release -p server)
cargo build --quiet --release -p server
mkdir -p "$WORK/site"

# Fills the registry of a migrated database with $ENTERPRISES enterprises: names from twenty
# places and twenty trades (so a two-character trade matches one in twenty), each with a serial
# number; codes 91440783 and a ten-digit serial.
fill_registry() {
  sqlite3 "$1" <<SQL
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $ENTERPRISES),
place(k, word) AS (VALUES (0,'长沙'),(1,'三埠'),(2,'赤坎'),(3,'水口'),(4,'月山'),(5,'百合'),
  (6,'沙塘'),(7,'苍城'),(8,'龙胜'),(9,'大沙'),(10,'马冈'),(11,'塘口'),(12,'蚬冈'),(13,'金鸡'),
  (14,'赤水'),(15,'翠山'),(16,'潭江'),(17,'楼冈'),(18,'东郊'),(19,'西郊')),
trade(k, word) AS (VALUES (0,'化工'),(1,'五金'),(2,'机械'),(3,'纺织'),(4,'电器'),(5,'塑料'),
  (6,'建材'),(7,'食品'),(8,'家具'),(9,'印刷'),(10,'陶瓷'),(11,'水暖'),(12,'包装'),(13,'造纸'),
  (14,'电子'),(15,'制衣'),(16,'物流'),(17,'燃气'),(18,'冶金'),(19,'仓储'))
INSERT INTO enterprises (uscc, name, town, address, industry, risk, high_risk_industry,
                         accident_prone, directly_supervised, legal_representative, phone,
                         updated_at)
SELECT printf('91440783%010d', i),
       printf('开平市%s%s%s有限公司%d', place.word, (SELECT word FROM place p2 WHERE p2.k = i / 20 % 20), trade.word, i),
       place.word || '镇', place.word || '工业路' || i || '号', trade.word,
       CASE i % 4 WHEN 0 THEN 'major' WHEN 1 THEN 'significant' WHEN 2 THEN 'general' ELSE 'low' END,
       i % 7 = 0, i % 11 = 0, i % 13 = 0, '法人' || i, printf('139%08d', i), 1780000000
FROM n JOIN place ON place.k = i % 20 JOIN trade ON trade.k = i / 400 % 20;
SQL
}

QUERIES=("化工" "翠山" "山金鸡" "有限公司" "不存在的企业" "9144078300000" "914407830000012345")
declare -A MEDIAN

# Times every query against the server on $PORT; records the medians under the label $1.
time_queries() {
  local label="$1" q times encoded sample
  for q in "${QUERIES[@]}"; do
    encoded="$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$q")"
    times=()
    for sample in $(seq 1 "$SAMPLES"); do
      times+=("$(curl -fs -o "$WORK/found.html" -w '%{time_total}' "$BASE/inspections/search?q=$encoded&r=$label$sample")")
    done
    MEDIAN["$label|$q"]="$(printf '%s\n' "${times[@]}" | sort -n | awk '{ t[NR] = $1 * 1000 } END { printf "%.1f", t[int((NR + 1) / 2)] }')"
    grep -o '找到 [0-9]* 家企业' "$WORK/found.html" | head -n 1 | sed "s/^/$label $q: /" || echo "$label $q: none found"
  done
}

for label in before after; do
  step "$label: $ENTERPRISES enterprises, $SAMPLES samples per query"
  target="$CARGO_TARGET_DIR"
  [ "$label" = before ] && target="$BEFORE_TARGET"
  DB_URL="sqlite://$WORK/$label.db"
  # Started once to create and migrate the database, filled while stopped, started again (the
  # index of 0015 is kept by triggers as the rows go in).
  CARGO_TARGET_DIR="$target" start_server AQXC_DEMO=false
  stop_server
  fill_registry "$WORK/$label.db"
  CARGO_TARGET_DIR="$target" start_server AQXC_DEMO=false
  time_queries "$label"
  stop_server
  SERVER_PID=
done

step "Median time of one search page (ms), $ENTERPRISES enterprises"
echo "| query | before ($BEFORE) | after |"
echo "|---|---|---|"
for q in "${QUERIES[@]}"; do
  echo "| \`$q\` | ${MEDIAN[before|$q]} | ${MEDIAN[after|$q]} |"
done
