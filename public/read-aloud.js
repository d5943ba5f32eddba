// Read-aloud (朗读) for articles and contest questions, with the browser's own speech synthesis
// and a Chinese voice. No WebAssembly: pages that only show information stay that way.
//
// A control is <div class="read-aloud" data-read="SELECTOR, …"> holding a play button
// (.read-aloud__play), a stop button (.read-aloud__stop), a speed select (.read-aloud__rate)
// and a status line (.read-aloud__status). It reads the text of the elements the selectors
// match, in page order, one sentence at a time (long utterances are cut off by some engines),
// and stops when that text changes (the next contest question). Controls stay hidden until
// this script runs; on a device without a Chinese voice the control says so.

const synth = "speechSynthesis" in window ? window.speechSynthesis : null;
const NO_SPEECH = "这个浏览器不支持朗读。";
const NO_VOICE = "这台设备没有中文语音，无法朗读。可以在手机或电脑的系统设置中添加中文（普通话）语音后再试。";

document.documentElement.classList.add("can-read-aloud");

/** The device's Chinese voice (zh-CN first), waiting briefly for voices that load late. */
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

/** The text to read, cut into sentences of at most 120 characters. */
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

/** One control's reading: its sentences, the next to say, and whether it is paused. */
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
  if (list.length === 0) return;
  // A new question (or any change to what is read) ends the reading of the old one.
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

// Leaving the page ends the reading (some browsers keep speaking otherwise).
window.addEventListener("pagehide", () => finish(""));
