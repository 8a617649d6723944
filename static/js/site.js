/* coursesite: small progressive enhancements. Every page works without this file. */
"use strict";

(function () {
  /* "Show password": a hidden button, shown and wired only when scripts run. */
  function setUpPasswordToggles() {
    document.querySelectorAll("[data-password-toggle]").forEach(function (button) {
      var input = document.getElementById(button.getAttribute("data-password-toggle"));
      if (!input) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        var show = input.type === "password";
        input.type = show ? "text" : "password";
        button.textContent = button.getAttribute(show ? "data-hide-label" : "data-show-label");
        input.focus();
      });
    });
  }

  /* "Print": only useful with scripts; without them the page says to use the browser's menu. */
  function setUpPrintButtons() {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }

  /* Marking a step done: send the form in the background and update it in place.
     If anything goes wrong, the form is sent the ordinary way (the page reloads). */
  function setUpProgressForms() {
    var live = document.querySelector("[data-progress-live]");
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (!form.matches || !form.matches("[data-progress-form]") || !window.fetch) return;
      event.preventDefault();
      if (form.getAttribute("aria-busy") === "true") return;
      form.setAttribute("aria-busy", "true");
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { "Accept": "application/json" },
        credentials: "same-origin"
      }).then(function (response) {
        if (!response.ok) throw new Error("status " + response.status);
        return response.json();
      }).then(function (data) {
        var holder = document.createElement("div");
        holder.innerHTML = data.html;
        var replacement = holder.querySelector("[data-progress-form]");
        form.replaceWith(replacement);
        var button = replacement.querySelector("button[type=submit]");
        if (button) button.focus();
        if (live) live.textContent = data.announcement;
      }).catch(function () {
        form.removeAttribute("aria-busy");
        HTMLFormElement.prototype.submit.call(form);
      });
    });
  }

  /* Forms that create things (the after-session form) are sent once, however many clicks.
     The server also refuses a second copy; this only spares the helper a confusing page. */
  function setUpSubmitOnce() {
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (!form.matches || !form.matches("[data-submit-once]") || event.defaultPrevented) return;
      if (form.getAttribute("data-sent") === "true") {
        event.preventDefault();
        return;
      }
      form.setAttribute("data-sent", "true");
    });
    /* Coming back to the page (Back button) must let the form be sent again. */
    window.addEventListener("pageshow", function () {
      document.querySelectorAll("[data-submit-once]").forEach(function (form) {
        form.removeAttribute("data-sent");
      });
    });
  }

  /* The number of open help requests in a helper's header, asked again every 30 seconds.
     Without scripts the number is the one of the page's load, and the desk has a refresh
     link. Only the digits change: their box has a fixed width (site.css), so nothing moves.
     When the number changes, a polite live region on the desk says so. */
  function setUpRequestCounter() {
    var counter = document.querySelector("[data-open-requests]");
    if (!counter || !window.fetch) return;
    var number = counter.querySelector("[data-count]");
    var url = counter.getAttribute("data-open-requests");
    var news = document.querySelector("[data-requests-news]");
    function ask() {
      if (document.hidden) return;
      fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error("status " + response.status);
          return response.json();
        })
        .then(function (data) {
          var text = String(data.open);
          if (number.textContent === text) return;
          number.textContent = text;
          number.classList.toggle("has-requests", data.open > 0);
          if (news) {
            news.hidden = false;
            news.querySelector("[data-requests-news-text]").textContent = data.announcement;
          }
        })
        .catch(function () { /* offline for a moment: try again at the next tick */ });
    }
    var seconds = parseInt(counter.getAttribute("data-interval"), 10) || 30;
    window.setInterval(ask, seconds * 1000);
    document.addEventListener("visibilitychange", function () {
      if (!document.hidden) ask();
    });
  }

  /* A screenshot's frame that slides sideways (on a phone) is a named tab stop only where it
     actually slides: on a wide screen the whole picture shows and there is nothing to reach. */
  function setUpSlideFrames() {
    var frames = document.querySelectorAll(".slide-frame");
    if (!frames.length) return;
    var labels = [];
    frames.forEach(function (frame, i) { labels[i] = frame.getAttribute("aria-label"); });
    function update() {
      frames.forEach(function (frame, i) {
        if (frame.scrollWidth > frame.clientWidth + 1) {
          frame.setAttribute("tabindex", "0");
          frame.setAttribute("role", "group");
          frame.setAttribute("aria-label", labels[i]);
        } else {
          ["tabindex", "role", "aria-label"].forEach(function (name) { frame.removeAttribute(name); });
        }
      });
    }
    frames.forEach(function (frame) {
      var img = frame.querySelector("img");
      if (img && !img.complete) img.addEventListener("load", update);
    });
    window.addEventListener("resize", update);
    update();
  }

  function start() {
    setUpSlideFrames();
    setUpRequestCounter();
    setUpPasswordToggles();
    setUpPrintButtons();
    setUpProgressForms();
    setUpSubmitOnce();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
