// Loads the editor's live-preview WASM (built into this folder by scripts/setup.sh,
// build_browser_bundle); its start function wires the markdown field to the preview.
import init from "./preview.js";
init();
