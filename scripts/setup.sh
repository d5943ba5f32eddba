# Sourced by run.sh and test.sh: installs, pinned, whatever the build and the tests need and is
# missing, and skips whatever is already there. Safe to source again.
#
# Where things go (outside the clone, so a fresh clone reuses them):
#   ~/.cargo/bin                    cargo-leptos, wasm-bindgen (cargo install)
#   $AQXC_CACHE/tools               wasm-opt from the npm package binaryen
#   $AQXC_CACHE/target              the cargo build cache (CARGO_TARGET_DIR)

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
AQXC_CACHE="${AQXC_CACHE:-$HOME/.cache/aqxc}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$AQXC_CACHE/target}"
TOOLS_DIR="$AQXC_CACHE/tools"
# Each fresh clone (CI makes one per run) would add its own incremental state to the shared
# cache, without bound; the scripts build without it.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
# The browser bundles carry the source paths of panic locations: shorter without the machine's
# own prefixes (the same bytes on every machine, and about 400 bytes less over brotli).
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="${CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS:---remap-path-prefix=$HOME/.cargo/registry/src/= --remap-path-prefix=/rustc/$(rustc -vV 2>/dev/null | sed -n 's/^commit-hash: //p')/=}"
export PATH="$HOME/.cargo/bin:$TOOLS_DIR/node_modules/.bin:$PATH"

CARGO_LEPTOS_VERSION="0.3.10"
# Debian's binaryen (108) breaks hydration; the npm build of 132 does not.
BINARYEN_VERSION="132.0.0"
# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
WASM_BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' "$ROOT/Cargo.lock")"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

ensure_wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    step "Adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

ensure_cargo_leptos() {
  if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
    step "Installing cargo-leptos $CARGO_LEPTOS_VERSION (about 30 minutes on 2 cores, once)"
    # --locked: newer dependencies need a newer Rust; no_downloads: tools come from PATH.
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
  fi
}

ensure_wasm_bindgen() {
  if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
    step "Installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 9 minutes, once)"
    # Not --locked: its lock names a crate version the registry no longer has.
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
  fi
}

ensure_node() {
  if ! command -v npm >/dev/null 2>&1; then
    step "Installing Node.js and npm"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm
  fi
}

ensure_wasm_opt() {
  if ! wasm-opt --version 2>/dev/null | grep -q "version ${BINARYEN_VERSION%%.*}"; then
    ensure_node
    step "Installing wasm-opt (npm binaryen@$BINARYEN_VERSION)"
    mkdir -p "$TOOLS_DIR"
    npm install --prefix "$TOOLS_DIR" --no-audit --no-fund --silent "binaryen@$BINARYEN_VERSION"
  fi
}

ensure_chromium() {
  if ! [ -x /usr/bin/chromium ] || ! [ -x /usr/bin/chromedriver ]; then
    step "Installing Debian's Chromium"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver
  fi
}

ensure_playwright() {
  ensure_node
  local stamp="$ROOT/end2end/node_modules/.installed-from-lock"
  if ! [ -f "$stamp" ] || [ "$ROOT/end2end/package-lock.json" -nt "$stamp" ]; then
    step "Installing the browser-test packages (Playwright, without its own browser)"
    (cd "$ROOT/end2end" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent)
    touch "$stamp"
  fi
}

# The workspace's own artifacts are rebuilt per clone path; drop those no build has touched for
# two days, so that a machine running CI day after day does not fill its disk.
prune_build_cache() {
  local deps
  for deps in "$CARGO_TARGET_DIR"/debug/deps "$CARGO_TARGET_DIR"/*/debug/deps; do
    [ -d "$deps" ] || continue
    find "$deps" -maxdepth 1 -type f -mtime +1 \
      \( -name 'app-*' -o -name 'libapp-*' -o -name 'server-*' -o -name 'libserver-*' \
         -o -name 'api-*' -o -name 'domain-*' -o -name 'libdomain-*' -o -name 'draw_properties-*' \
         -o -name 'render_snapshots-*' -o -name '*editor_preview-*' -o -name '*draw_verifier-*' \) \
      -delete 2>/dev/null || true
  done
  rm -rf "$CARGO_TARGET_DIR/debug/incremental"
}

# Everything `cargo leptos build --release` needs.
ensure_build_tools() {
  prune_build_cache
  ensure_wasm_target
  ensure_wasm_bindgen
  ensure_wasm_opt
  ensure_cargo_leptos
  ensure_cjk_font
}

# The font certificate pictures are drawn with (AQXC_CERTIFICATE_FONT's default): Debian's
# WenQuanYi Micro Hei, 5 MB, which covers every character a nickname may hold.
ensure_cjk_font() {
  if ! [ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]; then
    step "Installing Debian's fonts-wqy-microhei (for the certificate pictures)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei
  fi
}

# Everything the browser tests need besides the build.
ensure_browser_tools() {
  ensure_chromium
  ensure_playwright
}

# A bundle of its own for a page that needs Rust in the browser beyond the islands (which every
# page loads): crate $1 goes to target/site/$2/ as $3.js + $3_bg.wasm.
#   editor-preview -> editor/preview   the markdown renderer, for the staff editor only
#   draw-verifier  -> verifier/verifier the draw code, for revealed draw pages only
build_browser_bundle() {
  local crate="$1" folder="$2" name="$3"
  local out="$ROOT/target/site/$folder"
  cargo build -p "$crate" --lib --target wasm32-unknown-unknown --profile wasm-release
  mkdir -p "$out"
  wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name "$name" \
    "$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm-release/${crate//-/_}.wasm"
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
    -o "$out/${name}_bg.wasm" "$out/${name}_bg.wasm"
}

# The whole site in release mode: server, islands bundle, CSS, then the page bundles.
build_release_site() {
  # --split: islands marked `lazy` (the contest's) load their code only on pages that have them.
  cargo leptos build --release --split
  build_browser_bundle editor-preview editor preview
  build_browser_bundle draw-verifier verifier verifier
}

# Debian's PostgreSQL server, for the integration suite's second backend.
ensure_postgres() {
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    step "Installing Debian's PostgreSQL (for the tests on PostgreSQL)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-contrib
  fi
}

# Debian's nginx, for the test of two instances behind the deployment's own configuration.
# Installed without starting its default site: the tests run their own.
ensure_nginx() {
  if ! [ -x /usr/sbin/nginx ]; then
    step "Installing Debian's nginx (for the test of two instances behind it)"
    local blocker=/usr/sbin/policy-rc.d
    local blocked=""
    if ! [ -e "$blocker" ]; then
      printf '#!/bin/sh\nexit 101\n' | as_root tee "$blocker" >/dev/null
      as_root chmod +x "$blocker"
      blocked=1
    fi
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light
    if [ -n "$blocked" ]; then as_root rm -f "$blocker"; fi
  fi
}

# Starts a throwaway PostgreSQL in a new temporary folder, on 127.0.0.1 and a free port, with a
# UTF-8 locale (pg_trgm needs it to index Chinese) and no durability (it lives for one run);
# sets PG_URL to its URL (superuser `aqxc`, no password). PostgreSQL refuses to run as root, so as root
# it runs as `nobody`. `stop_throwaway_postgres` ends it and removes the folder.
start_throwaway_postgres() {
  ensure_postgres
  local bin port run_as=()
  bin="$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")"
  PG_TMP="$(mktemp -d /tmp/aqxc-pg.XXXXXX)"
  if [ "$(id -u)" -eq 0 ]; then
    chown nobody "$PG_TMP"
    run_as=(runuser -u nobody --)
  fi
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  "${run_as[@]}" "$bin/initdb" -D "$PG_TMP/data" -U aqxc --auth=trust --encoding=UTF8 \
    --locale=C.UTF-8 >"$PG_TMP/initdb.log" 2>&1 || { cat "$PG_TMP/initdb.log" >&2; return 1; }
  "${run_as[@]}" "$bin/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/server.log" -w start -o \
    "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$PG_TMP \
     -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 \
     -c shared_buffers=128MB" >/dev/null || { cat "$PG_TMP/server.log" >&2; return 1; }
  PG_STOP=("${run_as[@]}" "$bin/pg_ctl" -D "$PG_TMP/data" -m immediate stop)
  # Every test database is made from template1: give it the extension once.
  "$bin/psql" -q -h 127.0.0.1 -p "$port" -U aqxc -d template1 -c 'CREATE EXTENSION pg_trgm' >/dev/null
  PG_URL="postgres://aqxc@127.0.0.1:$port/postgres"
}

stop_throwaway_postgres() {
  if [ -n "${PG_TMP:-}" ]; then
    "${PG_STOP[@]}" >/dev/null 2>&1 || true
    rm -rf "$PG_TMP"
  fi
}
