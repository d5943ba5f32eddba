// Makes the practice mode work offline: registers its service worker and, once the practice
// island is live, tells the worker which files this page loaded so that it keeps them. The
// page then says it can be used without a network (and added to the home screen).

const base = document.documentElement.dataset.base || "";
const note = document.querySelector(".practice-offline");

/** Resolves when the practice island has hydrated (its lazy WebAssembly part is loaded). */
function hydrated() {
  return new Promise((done) => {
    const ready = () => document.querySelector(".practice[data-hydrated]");
    if (ready()) return done();
    const watch = new MutationObserver(() => {
      if (ready()) {
        watch.disconnect();
        done();
      }
    });
    watch.observe(document.body, { subtree: true, attributes: true, attributeFilter: ["data-hydrated"] });
    setTimeout(() => {
      watch.disconnect();
      done();
    }, 15000);
  });
}

async function makeOffline() {
  const registration = await navigator.serviceWorker.register(`${base}/practice-sw.js`, {
    scope: `${base}/contest/practice`,
    // A new build's worker is looked for past any HTTP cache.
    updateViaCache: "none",
  });
  await navigator.serviceWorker.ready;
  await hydrated();
  const worker = registration.active;
  if (!worker) return;
  const files = performance.getEntriesByType("resource").map((entry) => entry.name);
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    document.documentElement.dataset.offlineReady = "true";
    if (note) note.hidden = false;
  };
  worker.postMessage({ keep: files }, [channel.port2]);
}

if ("serviceWorker" in navigator && "caches" in window) {
  makeOffline().catch(() => {
    // Without the worker practice still works online; nothing to tell the visitor.
  });
}
