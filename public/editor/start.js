// The editor's scripts: autosave, and the live-preview WASM (built into this folder by
// scripts/setup.sh, build_browser_bundle), whose start function wires the markdown field to
// the preview.
import "./autosave.js";
import init from "./preview.js";
init();
