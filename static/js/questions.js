/* coursesite: check an answer without leaving the page. Without this file the form is sent
   the ordinary way and the page comes back at the question with the same feedback. */
"use strict";

(function () {
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-question-form]") || !window.fetch) return;
    event.preventDefault();
    if (form.getAttribute("aria-busy") === "true") return;
    form.setAttribute("aria-busy", "true");
    var section = form.closest("[data-question]");
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
      var replacement = holder.querySelector("[data-question]");
      section.replaceWith(replacement);
      /* Focus moves to the feedback, so a screen reader reads it at once, and the next
         Tab leads to the button again for another try. */
      var feedback = replacement.querySelector("[data-question-feedback]");
      if (feedback) feedback.focus();
    }).catch(function () {
      form.removeAttribute("aria-busy");
      HTMLFormElement.prototype.submit.call(form);
    });
  });
})();
