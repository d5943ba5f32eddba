// The practice mode's service worker. It keeps the practice page, the files that page loaded
// (stylesheet, scripts, the WebAssembly and its lazy parts) and the practice bank, so that
// practice works without a network once visited. Online, the page, the bank and every file
// whose name does not carry a content hash come from the network first and the kept copies are
// refreshed, so a changed site is what the next offline visit shows; only hashed files (which
// never change under their name) are served from the kept copies first. Offline, the practice
// mode's two server functions are answered from the kept bank. The contest is never served from
// here: the server scores it.

// Filled in by the server: this build's version, and whether its /pkg/ names carry a hash.
const BUILD = "__BUILD_VERSION__";
const HASHED_PKG = __HASHED_PKG__;
// Named after the build: a new build's worker drops every older build's copies when it starts.
const CACHE = `aqxc-practice-${BUILD}`;
// The worker lives at {base}/practice-sw.js.
const BASE = new URL("./", self.location).pathname.replace(/\/$/, "");
const PAGE = new URL(`${BASE}/contest/practice`, self.location).href;
const BANK = new URL(`${BASE}/api/v1/practice-bank.json`, self.location).href;
const NEXT_QUESTION = `${BASE}/api/practice_question`;
const CHECK_ANSWER = `${BASE}/api/practice_check`;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll([PAGE, BANK]))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("aqxc-practice") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

// The page names the files it loaded: they are kept, and files it no longer uses (an older
// build's) are let go.
self.addEventListener("message", (event) => {
  const files = event.data && event.data.keep;
  if (!Array.isArray(files)) return;
  // The page hears back once everything is kept.
  event.waitUntil(keep(files).then(() => event.ports[0] && event.ports[0].postMessage({ kept: true })));
});

async function keep(files) {
  const cache = await caches.open(CACHE);
  const wanted = new Set([PAGE, BANK]);
  for (const file of files) {
    const url = new URL(file, self.location);
    if (url.origin === self.location.origin && !url.pathname.startsWith(`${BASE}/api/`)) wanted.add(url.href);
  }
  for (const url of wanted) {
    if (!(await cache.match(url))) {
      try {
        await cache.add(url);
      } catch {
        // Kept at its next request instead.
      }
    }
  }
  for (const request of await cache.keys()) {
    if (!wanted.has(request.url)) await cache.delete(request);
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && url.pathname === NEXT_QUESTION) {
    event.respondWith(onlineOr(request, nextQuestion));
  } else if (request.method === "POST" && url.pathname === CHECK_ANSWER) {
    event.respondWith(onlineOr(request, checkAnswer));
  } else if (request.method !== "GET") {
    return;
  } else if (request.mode === "navigate" || url.href === BANK) {
    event.respondWith(networkFirst(request, request.mode === "navigate" ? PAGE : BANK));
  } else if (isHashed(url)) {
    event.respondWith(cacheFirst(request));
  } else if (!url.pathname.startsWith(`${BASE}/api/`)) {
    event.respondWith(networkFirst(request, request.url));
  }
});

/** Whether a file's name carries its content hash (the build's /pkg/ files, when hashed). */
function isHashed(url) {
  return HASHED_PKG && url.pathname.startsWith(`${BASE}/pkg/`);
}

async function networkFirst(request, key) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(key, response.clone());
    return response;
  } catch (error) {
    const kept = await cache.match(key);
    if (kept) return kept;
    throw error;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(request);
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

/** The server's answer while it can be reached; the kept bank's when it cannot. */
async function onlineOr(request, offline) {
  const body = await request.clone().json().catch(() => ({}));
  try {
    return await fetch(request);
  } catch {
    const answer = await offline(body, await keptBank());
    return new Response(JSON.stringify(answer), {
      headers: { "content-type": "application/json" },
    });
  }
}

async function keptBank() {
  const kept = await caches.match(BANK);
  return kept ? (await kept.json()).questions : [];
}

/** As `next_practice_question`: a random question not seen lately, its options shuffled
 *  (a 判断题 keeps 对 before 错). */
function nextQuestion({ seen = [] }, bank) {
  const fresh = bank.filter((q) => !seen.includes(q.id));
  const from = fresh.length > 0 ? fresh : bank;
  if (from.length === 0) return null;
  const question = from[Math.floor(Math.random() * from.length)];
  const order = question.options.map((_, i) => i);
  if (question.kind !== "judge") {
    for (let i = order.length - 1; i > 0; i -= 1) {
      const j = Math.floor(Math.random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
  }
  return {
    question: { id: question.id, kind: question.kind, stem: question.stem, options: order.map((i) => question.options[i]) },
    order,
    topic: question.topic,
  };
}

/** As `practice_check` (and `domain::contest::scoring::credit`): all right is full credit;
 *  on a 多选题, some right and none wrong is half. */
function checkAnswer({ id, order = [], chosen = [] }, bank) {
  const question = bank.find((q) => q.id === id);
  if (!question || order.length !== question.options.length || chosen.some((c) => c >= order.length)) return null;
  const picked = [...new Set(chosen.map((c) => order[c]))].sort((a, b) => a - b);
  const answer = [...question.answer].sort((a, b) => a - b);
  const allRight = picked.length === answer.length && picked.every((p, i) => p === answer[i]);
  const someRight = question.kind === "multiple" && picked.length > 0 && picked.every((p) => answer.includes(p));
  return {
    credit: allRight ? "full" : someRight ? "half" : "none",
    correct: order.map((bankIndex, shown) => (answer.includes(bankIndex) ? shown : -1)).filter((s) => s >= 0),
    explanation: question.explanation,
    source: question.source,
  };
}
