#!/usr/bin/env bash
# Times a stratified draw with team assignment over a large synthetic registry on the server
# (native, release), and the same verification in headless Chromium (the draw-verifier WASM).
#
# Usage: bench/draw.sh [enterprises, default 100000] [inspectors, default 500]
source "$(dirname "$0")/../scripts/setup.sh"
ensure_build_tools
ensure_browser_tools
cd "$ROOT"
ENTERPRISES="${1:-100000}"
INSPECTORS="${2:-500}"
PORT=3298
WORK="$(mktemp -d)"
trap 'kill "$SERVER_PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT

step "Native: draw and verification over $ENTERPRISES enterprises and $INSPECTORS inspectors"
cargo run --quiet --release -p domain --example draw_bench -- "$ENTERPRISES" "$INSPECTORS" "$WORK/record.json"

step "Browser: the same verification in headless Chromium"
if ! [ -f "$ROOT/target/site/verifier/verifier_bg.wasm" ]; then build_release_site; fi
cp -r "$ROOT/target/site" "$WORK/site"
cp "$WORK/record.json" "$WORK/site/bench-record.json"
cat > "$WORK/site/bench-verify.html" <<'HTML'
<!DOCTYPE html><html lang="zh-CN"><meta charset="utf-8"><title>bench</title>
<div id="draw-verifier" data-record="/bench-record.json">
<button type="button" hidden>verify</button><div class="verifier__output"></div></div>
<script type="module" src="/verifier/start.js"></script></html>
HTML
# A plain static server: the portal would spend minutes brotli-compressing a 25 MB record once
# at start-up, which is not what is measured here.
python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$WORK/site" >/dev/null 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/bench-verify.html" >/dev/null && break; sleep 0.1; done
echo "record: $(stat -c %s "$WORK/record.json") bytes"
(cd "$ROOT/end2end" && node ../bench/draw-browser.cjs "http://127.0.0.1:$PORT/bench-verify.html")
