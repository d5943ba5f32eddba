// Autosave for the article editor: every half minute, when the form has changed since it was
// last kept, posts it to the `autosave_article` server function, which keeps it as an
// `autosave` version without changing the article, and says so. A plain script rather than a
// WASM island: it only reads five fields and makes one request.
const status = document.querySelector("[data-autosave]");
// In the order the server function takes them.
const FIELDS = ["title", "category", "tags", "summary", "body"];
const clock = new Intl.DateTimeFormat("zh-CN", {
  timeZone: "Asia/Shanghai",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

function read() {
  return FIELDS.map((id) => document.getElementById(id)?.value ?? "");
}

async function keep(values) {
  const body = new URLSearchParams({ id: status.dataset.article });
  FIELDS.forEach((name, i) => body.append(name, values[i]));
  const response = await fetch(status.dataset.autosave, {
    method: "POST",
    body,
    headers: { Accept: "application/json" },
  });
  if (!response.ok) throw new Error(`autosave answered ${response.status}`);
  return await response.json();
}

if (status) {
  let last = JSON.stringify(read());
  let saving = false;
  setInterval(async () => {
    const values = read();
    const current = JSON.stringify(values);
    if (saving || current === last) return;
    saving = true;
    try {
      const at = await keep(values);
      last = current;
      status.textContent = `已自动保存（${clock.format(new Date(at * 1000))}），可在“历史版本”中找回`;
    } catch {
      status.textContent = "自动保存未成功，请手动点击“保存”";
    }
    saving = false;
  }, 30_000);
}
