// Read-aloud (朗读) with the browser's speech synthesis and a Chinese voice; no WebAssembly.
// How it works and why: the README's "Accessibility and the elderly-friendly mode".
const synth = "speechSynthesis" in window ? window.speechSynthesis : null;
const NO_SPEECH = "这个浏览器不支持朗读。";
const NO_VOICE = "这台设备没有中文语音，无法朗读。可以在手机或电脑的系统设置中添加中文（普通话）语音后再试。";

document.documentElement.classList.add("can-read-aloud");

// zh-CN first; voices may load late.
async function chineseVoice() {
  if (!synth) return null;
  let voices = synth.getVoices();
  if (voices.length === 0) {
    await new Promise((ready) => {
      synth.addEventListener("voiceschanged", ready, { once: true });
      setTimeout(ready, 1500);
    });
    voices = synth.getVoices();
  }
  const lang = (voice) => (voice.lang || "").replace("_", "-").toLowerCase();
  return (
    voices.find((v) => lang(v) === "zh-cn") ??
    voices.find((v) => lang(v).startsWith("zh")) ??
    null
  );
}

// Some engines cut long utterances: one sentence (≤ 120 characters) at a time.
function sentences(control) {
  const selectors = control.dataset.read || "";
  const text = Array.from(document.querySelectorAll(selectors))
    .map((element) => element.innerText.trim())
    .filter(Boolean)
    .join("\n");
  const pieces = text.match(/[^。！？；!?;\n]+[。！？；!?;]*/g) ?? [];
  return pieces
    .flatMap((piece) => piece.trim().match(/[\s\S]{1,120}/g) ?? [])
    .filter((piece) => piece.trim().length > 0);
}

let reading = null;

function show(control, state, message) {
  const play = control.querySelector(".read-aloud__play");
  const stop = control.querySelector(".read-aloud__stop");
  play.textContent = { idle: "▶ " + control.dataset.label, speaking: "❚❚ 暂停", paused: "▶ 继续" }[state];
  play.setAttribute("aria-pressed", state === "idle" ? "false" : "true");
  if (stop) stop.hidden = state === "idle";
  if (message !== undefined) control.querySelector(".read-aloud__status").textContent = message;
}

function speakNext() {
  const current = reading;
  if (!current) return;
  if (current.next >= current.sentences.length) {
    finish("朗读完毕。");
    return;
  }
  const utterance = new SpeechSynthesisUtterance(current.sentences[current.next]);
  current.next += 1;
  utterance.lang = "zh-CN";
  utterance.voice = current.voice;
  utterance.rate = Number(current.control.querySelector(".read-aloud__rate")?.value || 1);
  utterance.onend = () => {
    if (reading === current) speakNext();
  };
  utterance.onerror = (event) => {
    if (reading === current && event.error !== "interrupted" && event.error !== "canceled") {
      finish("朗读出错，请再试一次。");
    }
  };
  synth.speak(utterance);
}

function finish(message) {
  const current = reading;
  reading = null;
  if (synth) synth.cancel();
  if (current) {
    current.watch.disconnect();
    show(current.control, "idle", message);
  }
}

async function start(control) {
  if (reading) finish("");
  if (!synth) {
    show(control, "idle", NO_SPEECH);
    return;
  }
  const voice = await chineseVoice();
  if (!voice) {
    show(control, "idle", NO_VOICE);
    return;
  }
  const list = sentences(control);
  if (list.length === 0) {
    show(control, "idle", "现在没有可朗读的内容（答题时朗读当前的题目）。");
    return;
  }
  // The next question ends the reading of this one.
  const watch = new MutationObserver(() => finish(""));
  for (const element of document.querySelectorAll(control.dataset.read)) {
    watch.observe(element, { childList: true, subtree: true, characterData: true });
  }
  reading = { control, voice, sentences: list, next: 0, paused: false, watch };
  show(control, "speaking", "正在朗读…");
  speakNext();
}

document.addEventListener("click", (event) => {
  const button = event.target.closest?.(".read-aloud__play, .read-aloud__stop");
  if (!button) return;
  const control = button.closest(".read-aloud");
  if (button.classList.contains("read-aloud__stop")) {
    finish("已停止。");
  } else if (!reading || reading.control !== control) {
    start(control);
  } else if (reading.paused) {
    reading.paused = false;
    synth.resume();
    show(control, "speaking", "正在朗读…");
  } else {
    reading.paused = true;
    synth.pause();
    show(control, "paused", "已暂停。");
  }
});

window.addEventListener("pagehide", () => finish(""));
