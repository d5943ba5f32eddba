#!/usr/bin/env bash
# Times a stratified draw with team assignment over a large synthetic registry on the server
# (native, release), and the same verification in headless Chromium (the draw-verifier WASM),
# with the record in the current format and in the previous one.
#
# Usage: bench/draw.sh [enterprises, default 100000] [inspectors, default 500]
source "$(dirname "$0")/../scripts/setup.sh"
ENTERPRISES="${1:-100000}"
INSPECTORS="${2:-500}"
PORT=3298
WORK="$(mktemp -d)"
source "$(dirname "$0")/lib.sh"
ensure_build_tools
ensure_browser_tools
ensure_load_tools
cd "$ROOT"
trap 'kill "$SERVER_PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT

step "Native: draw and verification over $ENTERPRISES enterprises and $INSPECTORS inspectors"
# The same draw written in the current format (aqxc-draw/3, the snapshot in columns) and in the
# previous one (aqxc-draw/2, one object per enterprise), to compare them in one run.
for format in aqxc-draw/3 aqxc-draw/2; do
  cargo run --quiet --release -p domain --example draw_bench -- \
    "$ENTERPRISES" "$INSPECTORS" "$WORK/record-${format#aqxc-draw/}.json" "$format"
done

step "Browser: the same verification in headless Chromium"
if ! [ -f "$ROOT/target/site/verifier/verifier_bg.wasm" ]; then build_release_site; fi
cp -r "$ROOT/target/site" "$WORK/site"
for version in 3 2; do
  cp "$WORK/record-$version.json" "$WORK/site/bench-record-$version.json"
  cat > "$WORK/site/bench-verify-$version.html" <<HTML
<!DOCTYPE html><html lang="zh-CN"><meta charset="utf-8"><title>bench</title>
<div id="draw-verifier" data-record="/bench-record-$version.json">
<button type="button" hidden>verify</button><div class="verifier__output"></div></div>
<script type="module" src="/verifier/start.js"></script></html>
HTML
done
# A plain static server: the portal would spend minutes brotli-compressing a large record once
# at start-up, which is not what is measured here.
python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$WORK/site" >/dev/null 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/bench-verify-3.html" >/dev/null && break; sleep 0.1; done
for version in 3 2; do
  record="$WORK/record-$version.json"
  echo "aqxc-draw/$version record: $(stat -c %s "$record") bytes, gzip -6 $(gzip -6 -c "$record" | wc -c), brotli -5 $(brotli -5 -c "$record" | wc -c)"
  (cd "$ROOT/end2end" && node ../bench/draw-browser.cjs "http://127.0.0.1:$PORT/bench-verify-$version.html")
done
