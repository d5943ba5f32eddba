# Sourced by the bench scripts (after scripts/setup.sh): a release server on a fresh database
# with the demo content, and the staff steps that give it a contest and a revealed draw.
#
# Needs: PORT, WORK (a scratch folder) set by the caller; DB_URL, if set, is the database
# (a SQLite file in WORK by default); SERVER_BIN, if set, the server binary (the release build
# by default).

BASE="http://127.0.0.1:$PORT"
STAFF_PASSWORD="bench-duty-officer-2026"
JAR="$WORK/staff-cookies"

ensure_load_tools() {
  if ! command -v wrk >/dev/null || ! command -v brotli >/dev/null || ! command -v sqlite3 >/dev/null; then
    step "Installing wrk, brotli and sqlite3 (Debian)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk brotli sqlite3
  fi
}

# Starts the release server on $PORT over $WORK/bench.db and the site in $WORK/site (copied from
# the build on the first call); waits until it answers. Extra environment may be passed as
# NAME=value arguments.
start_server() {
  [ -d "$WORK/site" ] || cp -r "$ROOT/target/site" "$WORK/site" 2>/dev/null || mkdir -p "$WORK/site"
  env AQXC_LISTEN="127.0.0.1:$PORT" AQXC_DATABASE_URL="${DB_URL:-sqlite://$WORK/bench.db}" \
    AQXC_CONTENT_DIR="$ROOT/content" AQXC_SITE_ROOT="$WORK/site" AQXC_UPLOADS_DIR="$WORK/uploads" \
    RUST_LOG=warn "$@" "${SERVER_BIN:-$CARGO_TARGET_DIR/release/server}" serve &
  SERVER_PID=$!
  for _ in $(seq 1 300); do
    curl -fs "$BASE/healthz" >/dev/null && return
    sleep 0.1
  done
  echo "the server did not start" >&2
  exit 1
}

stop_server() {
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
}

# Resident memory of the server, in MB.
server_rss_mb() {
  echo $(( $(ps -o rss= -p "$SERVER_PID" | tr -d ' ') / 1024 ))
}

# Posts a staff form (fields as name=value arguments); prints where the portal sent the browser.
staff_post() {
  local path="$1"
  shift
  local args=()
  for field in "$@"; do args+=(--data-urlencode "$field"); done
  curl -s -c "$JAR" -b "$JAR" -H "Origin: $BASE" -H "Accept: text/html" -o /dev/null -D - \
    "${args[@]}" "$BASE$path" | tr -d '\r' | sed -nE 's/^[Ll]ocation: (.*)$/\1/p'
}

# A staff account for the contest, the draws and the articles, created on the command line and
# signed in.
sign_in_staff() {
  echo "$STAFF_PASSWORD" | AQXC_DATABASE_URL="${DB_URL:-sqlite://$WORK/bench.db}" RUST_LOG=warn \
    "$CARGO_TARGET_DIR/release/server" admin create --username benchduty \
    --role contest_admin --role inspector_admin --role editor >/dev/null
  staff_post /api/sign_in username=benchduty "password=$STAFF_PASSWORD" >/dev/null
}

# Creates an open contest of 20 questions; prints its id.
create_contest() {
  local opens closes
  opens="$(TZ=Asia/Shanghai date -d '-1 hour' +%Y-%m-%dT%H:%M)"
  closes="$(TZ=Asia/Shanghai date -d '+1 day' +%Y-%m-%dT%H:%M)"
  staff_post /api/staff/contest_create "form[title]=压测竞赛" "form[opens_at]=$opens" \
    "form[closes_at]=$closes" "form[question_count]=20" "form[time_limit_minutes]=20" \
    "form[pass_percent]=60" "form[attempts_per_day]=3" "form[ask_town]=on" |
    sed -nE 's#.*/admin/contests/([0-9]+).*#\1#p'
}

# Announces, runs and reveals a draw over the demo registries (10 % of the enterprises, teams of
# two); prints its id.
create_revealed_draw() {
  local id
  id="$(staff_post /api/staff/draw_announce "form[title]=压测抽查任务" \
    "form[check_items][]=KP-YJ-01" "form[strata][0][name]=全部企业" \
    "form[strata][0][group]=all" "form[strata][0][quota_kind]=percent" \
    "form[strata][0][quota]=10" "form[exclude_months]=0" "form[team_size]=2" \
    "form[sources][0]=中国福利彩票双色球第 2026140 期开奖号码" |
    sed -nE 's#.*/admin/inspections/draws/([0-9]+).*#\1#p')"
  staff_post /api/staff/draw_run "id=$id" "values[0]=3, 11, 19, 25, 30, 32, 7" >/dev/null
  staff_post /api/staff/draw_reveal "id=$id" >/dev/null
  echo "$id"
}

# Creates a draft article (editable, so its editor loads the live preview); prints the editor's path.
create_draft_article() {
  staff_post /api/staff/article_create "title=压测草稿" "slug=bench-draft" "category=安全常识" |
    sed -nE 's#^(/admin/articles/[0-9]+).*#\1#p'
}

# The newest demo article's path.
newest_article() {
  echo "/articles/$(ls "$ROOT/content/articles" | sort | tail -n 1 | sed -E 's/^[0-9]{4}-[0-9]{2}-[0-9]{2}-//; s/\.md$//')"
}
