#!/usr/bin/env bash
# Builds the site (release) and serves it on http://127.0.0.1:3000 with its SQLite database
# under data/. Settings: see .env.sample (environment variables override the defaults).
source "$(dirname "$0")/setup.sh"
ensure_build_tools
cd "$ROOT"
step "Building the site (release)"
build_release_site
step "Serving (Ctrl-C stops)"
if [ -f .env ]; then set -a; source .env; set +a; fi
exec "$CARGO_TARGET_DIR/release/server" serve "$@"
