// Loads the draw verifier WASM (built into this folder by scripts/setup.sh,
// build_browser_bundles); its start function wires the "verify this draw" button.
import init from "./verifier.js";
init();
