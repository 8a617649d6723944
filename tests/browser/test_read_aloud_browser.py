"""Listen: the step is read with the browser's speech synthesis, in the page's language.

Headless Chromium has no voices, so the page gets a stand-in speechSynthesis that records what
it is asked to say and finishes each utterance after a moment; the page's own script is real.
"""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

STEP = "/fr/lessons/creer-adresse-courriel/2"

FAKE_SPEECH = """
(() => {
  const voices = [
    {name: "English (US)", lang: "en-US"}, {name: "Français (France)", lang: "fr-FR"},
    {name: "Français (Canada)", lang: "fr-CA"}, {name: "English (Canada)", lang: "en-CA"},
  ];
  window.spoken = [];
  window.SpeechSynthesisUtterance = function (text) { this.text = text; };
  const synth = {
    paused: false, current: null, timer: null,
    getVoices() { return voices; },
    speak(u) {
      window.spoken.push({text: u.text, lang: u.lang, voice: u.voice && u.voice.name});
      this.current = u;
      this.timer = setTimeout(() => { this.current = null; u.onend && u.onend(); }, 150);
    },
    pause() { this.paused = true; clearTimeout(this.timer); window.pausedAt = window.spoken.length; },
    resume() { this.paused = false; const u = this.current; this.timer = setTimeout(() => u.onend && u.onend(), 10); },
    cancel() { clearTimeout(this.timer); this.current = null; window.cancelled = (window.cancelled || 0) + 1; },
  };
  Object.defineProperty(window, "speechSynthesis", {value: synth, configurable: true});
})();
"""


def test_listen_reads_the_title_text_and_picture_descriptions_in_canadian_french(
    browser, live_server
):
    context = browser.new_context(base_url=live_server.url)
    context.add_init_script(FAKE_SPEECH)
    page = context.new_page()
    page.goto(STEP)
    listen = page.get_by_role("button", name="Écouter")
    expect(listen).to_be_visible()
    listen.click()
    expect(page.locator(".being-read")).to_have_count(1)
    page.wait_for_function("() => window.spoken.length >= 3")
    spoken = page.evaluate("window.spoken")
    assert spoken[0]["text"] == page.locator("#step-title").inner_text()
    assert all(item["voice"] == "Français (Canada)" and item["lang"] == "fr-CA" for item in spoken)
    alt = page.locator(".lesson-content img").first.get_attribute("alt")
    page.wait_for_function(
        "alt => window.spoken.some(s => s.text === alt)", arg=alt, timeout=15_000
    )
    expect(page.get_by_role("button", name="Écouter")).to_be_visible()  # back when finished
    expect(page.locator(".being-read")).to_have_count(0)
    context.close()


def test_pause_resume_and_stop(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    context.add_init_script(FAKE_SPEECH)
    page = context.new_page()
    page.goto(STEP)
    page.get_by_role("button", name="Écouter").click()
    pause = page.get_by_role("button", name="Pause")
    pause.click()
    expect(page.get_by_role("button", name="Reprendre")).to_be_visible()
    count = page.evaluate("window.spoken.length")
    page.wait_for_timeout(400)
    assert page.evaluate("window.spoken.length") == count  # nothing more while paused
    page.get_by_role("button", name="Reprendre").click()
    page.wait_for_function("count => window.spoken.length > count", arg=count)
    page.get_by_role("button", name="Arrêter").click()
    expect(page.get_by_role("button", name="Écouter")).to_be_visible()
    expect(page.get_by_role("button", name="Arrêter")).to_be_hidden()
    assert page.evaluate("window.cancelled") >= 1
    context.close()


def test_english_pages_use_an_english_voice(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    context.add_init_script(FAKE_SPEECH)
    page = context.new_page()
    page.goto(STEP.replace("/fr/", "/en/"))
    page.get_by_role("button", name=re.compile("Listen")).click()
    page.wait_for_function("() => window.spoken.length >= 1")
    assert page.evaluate("window.spoken[0].voice") == "English (Canada)"
    context.close()


def test_the_button_is_hidden_where_the_browser_cannot_speak(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    context.add_init_script(
        "delete window.speechSynthesis; delete window.SpeechSynthesisUtterance;"
    )
    page = context.new_page()
    page.goto(STEP)
    expect(page.locator("[data-read-aloud]")).to_be_hidden()
    context.close()
