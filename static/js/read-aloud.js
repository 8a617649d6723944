/* Read a step aloud with the browser's own speech synthesis (nothing leaves the device).
   Progressive enhancement: the controls stay hidden where the browser cannot speak. */
(function () {
  "use strict";
  var controls = document.querySelector("[data-read-aloud]");
  if (!controls || !("speechSynthesis" in window) || typeof SpeechSynthesisUtterance === "undefined") {
    return;
  }
  var synth = window.speechSynthesis;
  var playButton = controls.querySelector("[data-action=play]");
  var pauseButton = controls.querySelector("[data-action=pause]");
  var stopButton = controls.querySelector("[data-action=stop]");
  var lang = document.documentElement.lang || "fr";
  var queue = [];
  var current = null;
  var paused = false;

  function pickVoice() {
    var voices = synth.getVoices();
    var regional = lang + "-CA";
    var exact = voices.filter(function (v) { return v.lang.replace("_", "-") === regional; });
    if (exact.length) { return exact[0]; }
    var any = voices.filter(function (v) { return v.lang.toLowerCase().indexOf(lang) === 0; });
    return any.length ? any[0] : null;
  }

  // What is read: the step title, then each block of the step in order; a screenshot is
  // read as its alt text, so the meaning of the picture is spoken too.
  function parts() {
    var found = [];
    var title = document.querySelector("#step-title");
    if (title) { found.push({ element: title, text: title.textContent }); }
    var blocks = document.querySelectorAll(
      ".step .lesson-content p, .step .lesson-content li, .step .lesson-content th, " +
      ".step .lesson-content td, .step .lesson-content img"
    );
    Array.prototype.forEach.call(blocks, function (element) {
      var text = element.tagName === "IMG" ? element.getAttribute("alt") : element.textContent;
      if (element.tagName === "P" && element.closest("li")) { return; }  // read with its item
      if (text && text.trim()) { found.push({ element: element, text: text.trim() }); }
    });
    return found;
  }

  // Only "Listen" shows until reading starts: the row keeps its height, so nothing on the
  // page moves when the controls appear (no layout shift).
  function setPlaying(playing) {
    playButton.hidden = playing;
    pauseButton.hidden = !playing;
    stopButton.hidden = !playing;
    controls.classList.toggle("is-reading", playing);
    (playing ? pauseButton : playButton).focus();
  }

  function unmark() {
    if (current) { current.element.classList.remove("being-read"); current = null; }
  }

  function speakNext() {
    unmark();
    if (!queue.length) { setPlaying(false); return; }
    current = queue.shift();
    current.element.classList.add("being-read");
    var utterance = new SpeechSynthesisUtterance(current.text);
    utterance.lang = lang + "-CA";
    var voice = pickVoice();
    if (voice) { utterance.voice = voice; utterance.lang = voice.lang; }
    utterance.rate = 0.9;  // a little slower than default: easier to follow
    utterance.onend = speakNext;
    utterance.onerror = function () { queue = []; speakNext(); };
    synth.speak(utterance);
  }

  function stop() {
    queue = [];
    paused = false;
    pauseButton.textContent = pauseButton.getAttribute("data-label-pause");
    synth.cancel();
    unmark();
    setPlaying(false);
  }

  playButton.addEventListener("click", function () {
    synth.cancel();
    queue = parts();
    paused = false;
    setPlaying(true);
    speakNext();
  });
  pauseButton.addEventListener("click", function () {
    if (paused) { synth.resume(); } else { synth.pause(); }
    paused = !paused;
    pauseButton.textContent = pauseButton.getAttribute(paused ? "data-label-resume" : "data-label-pause");
  });
  stopButton.addEventListener("click", stop);
  window.addEventListener("pagehide", function () { synth.cancel(); });
  controls.hidden = false;
})();
