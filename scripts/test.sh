#!/usr/bin/env bash
# The whole test suite: formatting, lints, unit and integration tests, then the release build
# and the browser tests in Debian's Chromium. Stops at the first failure.
source "$(dirname "$0")/setup.sh"
ensure_build_tools
ensure_browser_tools
cd "$ROOT"

step "Formatting (cargo fmt --check)"
cargo fmt --all -- --check

step "Lints: server, app (as the server builds it), domain, page bundles"
cargo clippy -p server -p app -p domain -p editor-preview -p draw-verifier -p bench-load --all-targets -- -D warnings

step "Lints: app as the browser builds it (wasm32, hydrate)"
cargo clippy -p app --lib --target wasm32-unknown-unknown --no-default-features --features hydrate \
  -- -D warnings

step "Lints: the page bundles (editor preview, draw verifier) as the browser builds them (wasm32)"
cargo clippy -p editor-preview -p draw-verifier --lib --target wasm32-unknown-unknown -- -D warnings

step "Unit and integration tests (integration on SQLite)"
# A hung test fails the run in minutes rather than eating CI's whole budget.
env -u AQXC_TEST_POSTGRES_URL \
  timeout 900 cargo test -p server -p app -p domain -p editor-preview -p draw-verifier

step "Integration tests on PostgreSQL (a throwaway server from Debian's package)"
ensure_nginx
start_throwaway_postgres
trap stop_throwaway_postgres EXIT
AQXC_TEST_POSTGRES_URL="$PG_URL" timeout 900 cargo test -p server --test api
stop_throwaway_postgres
trap - EXIT

step "Release build (server + WASM)"
build_release_site

step "Browser tests (Playwright, Debian Chromium)"
cd end2end
AQXC_SERVER_BIN="$CARGO_TARGET_DIR/release/server" AQXC_SITE_ROOT="$ROOT/target/site" \
  npx playwright test
