/* The lesson editor: a preview that follows the text, line links, pictures at the cursor and
   highlight boxes drawn with the mouse or a finger. The editor works without this file: the
   buttons send the form, and the highlight page has number fields. */
"use strict";

(function () {
  var PREVIEW_DELAY = 700; /* ms after the last key: fast enough to feel live, few requests */
  var MAX_BOXES = 5;

  function lineStart(text, line) {
    var position = 0;
    for (var i = 1; i < line; i++) {
      var next = text.indexOf("\n", position);
      if (next < 0) return text.length;
      position = next + 1;
    }
    return position;
  }

  function goToLine(textarea, line) {
    var text = textarea.value;
    var start = lineStart(text, line);
    var end = text.indexOf("\n", start);
    textarea.focus();
    textarea.setSelectionRange(start, end < 0 ? text.length : end);
    var height = parseFloat(getComputedStyle(textarea).lineHeight) || 20;
    textarea.scrollTop = Math.max(0, (line - 3) * height);
  }

  function number(value) {
    return String(Math.round(value * 10) / 10);
  }

  function quoted(label) {
    return label.replace(/\\/g, "").replace(/\|/g, "/").replace(/"/g, '\\"').replace(/\s+/g, " ").trim();
  }

  function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  /* The picture's uses in the text: ![alt](name){attributes}, with where each is. */
  function findUses(text, name) {
    var pattern = new RegExp("!\\[([^\\]\\n]*)\\]\\(" + escapeRegExp(name) + "\\)(\\{[^}\\n]*\\})?", "g");
    var uses = [], match;
    while ((match = pattern.exec(text))) {
      uses.push({ start: match.index, end: match.index + match[0].length, alt: match[1], attrs: match[2] || "" });
    }
    return uses;
  }

  function readBoxes(attrs) {
    var highlight = /highlight="([^"]*)"/.exec(attrs);
    var label = /label="((?:[^"\\]|\\.)*)"/.exec(attrs);
    var labels = label ? label[1].replace(/\\(.)/g, "$1").split("|") : [];
    if (!highlight) return [];
    return highlight[1].split(";").filter(function (part) { return part.trim(); }).map(function (part, index) {
      var n = part.split(",").map(parseFloat);
      return { x: n[0] || 0, y: n[1] || 0, w: n[2] || 0, h: n[3] || 0, label: (labels[index] || "").trim() };
    }).slice(0, MAX_BOXES);
  }

  function imageMarkdown(name, alt, boxes) {
    var text = "![" + alt + "](" + name + ")";
    if (!boxes.length) return text;
    var spec = boxes.map(function (b) { return [b.x, b.y, b.w, b.h].map(number).join(","); }).join(";");
    var labels = boxes.map(function (b) { return quoted(b.label || ""); });
    var attrs = 'highlight="' + spec + '"';
    if (labels.some(function (l) { return l; })) attrs += ' label="' + labels.join("|").replace(/\|+$/, "") + '"';
    return text + "{" + attrs + "}";
  }

  /* ---- Drawing boxes on a picture: pointer events cover mouse, pen and touch. ---- */
  function Drawing(surface, onChange) {
    this.surface = surface;
    this.image = surface.querySelector("[data-drawing-image]");
    this.boxes = [];
    this.onChange = onChange;
    var self = this, start = null, current = null;

    function point(event) {
      var rect = self.image.getBoundingClientRect();
      return {
        x: Math.min(100, Math.max(0, (event.clientX - rect.left) / rect.width * 100)),
        y: Math.min(100, Math.max(0, (event.clientY - rect.top) / rect.height * 100))
      };
    }
    surface.addEventListener("pointerdown", function (event) {
      if (self.boxes.length >= MAX_BOXES || event.button > 0) return;
      event.preventDefault();
      surface.setPointerCapture(event.pointerId);
      start = point(event);
      current = { x: start.x, y: start.y, w: 0, h: 0, label: "" };
      self.boxes.push(current);
      self.draw();
    });
    surface.addEventListener("pointermove", function (event) {
      if (!start) return;
      var p = point(event);
      current.x = Math.min(start.x, p.x);
      current.y = Math.min(start.y, p.y);
      current.w = Math.abs(p.x - start.x);
      current.h = Math.abs(p.y - start.y);
      self.draw();
    });
    function finish() {
      if (!start) return;
      start = null;
      /* A tap, not a drag: no box. */
      if (current.w < 0.5 || current.h < 0.5) self.boxes.pop();
      current = null;
      self.draw();
      self.onChange(self.boxes);
    }
    surface.addEventListener("pointerup", finish);
    surface.addEventListener("pointercancel", finish);
  }

  Drawing.prototype.draw = function () {
    this.surface.querySelectorAll(".drawn-box").forEach(function (el) { el.remove(); });
    var surface = this.surface;
    this.boxes.forEach(function (box, index) {
      var el = document.createElement("span");
      el.className = "drawn-box";
      /* CSSOM, not a style attribute: allowed by the Content-Security-Policy. */
      el.style.left = box.x + "%";
      el.style.top = box.y + "%";
      el.style.width = box.w + "%";
      el.style.height = box.h + "%";
      el.textContent = String(index + 1);
      surface.appendChild(el);
    });
  };

  /* ---- The editor page ---- */
  function setUpEditor(form) {
    var textarea = form.querySelector("[data-editor-text]");
    var cursor = form.querySelector("[data-editor-cursor]");
    var status = form.querySelector("[data-editor-status]");
    var previewBox = document.querySelector("[data-editor-preview]");
    var timer = null, sequence = 0;

    document.querySelectorAll("[data-editor-no-js]").forEach(function (el) { el.hidden = true; });
    function rememberCursor() { cursor.value = String(textarea.selectionStart); }
    ["keyup", "click", "select", "input", "focus"].forEach(function (name) {
      textarea.addEventListener(name, rememberCursor);
    });

    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a[data-line]");
      if (!link) return;
      event.preventDefault();
      goToLine(textarea, parseInt(link.getAttribute("data-line"), 10) || 1);
    });

    function refresh() {
      var mine = ++sequence;
      var data = new FormData();
      data.append("csrf_token", form.querySelector("[name=csrf_token]").value);
      data.append("text", textarea.value);
      fetch(form.getAttribute("data-preview-url"), { method: "POST", body: data, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
        .then(function (html) {
          if (mine !== sequence) return; /* an older answer arriving late */
          var page = new DOMParser().parseFromString(html, "text/html");
          var preview = page.querySelector("[data-fragment=preview]");
          var steps = page.querySelector("[data-editor-steps]");
          if (preview) previewBox.innerHTML = preview.innerHTML;
          var oldSteps = document.querySelector("[data-editor-steps]");
          if (steps && oldSteps) oldSteps.replaceWith(document.importNode(steps, true));
          var verdict = previewBox.querySelector(".verdict");
          status.textContent = verdict ? verdict.textContent.trim() : "";
        })
        .catch(function () { status.textContent = form.getAttribute("data-preview-failed") || ""; });
    }
    textarea.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, PREVIEW_DELAY);
    });

    function insertAtCursor(snippet, selectFrom, selectTo) {
      var text = textarea.value;
      var at = textarea.selectionStart;
      var before = text.slice(0, at), after = text.slice(at);
      var lead = before && !/\n\n$/.test(before) ? (/\n$/.test(before) ? "\n" : "\n\n") : "";
      var tail = after && !/^\n/.test(after) ? "\n\n" : "";
      textarea.value = before + lead + snippet + tail + after;
      var base = before.length + lead.length;
      textarea.focus();
      textarea.setSelectionRange(base + selectFrom, base + selectTo);
      textarea.dispatchEvent(new Event("input"));
    }

    document.querySelectorAll("[data-insert-picture]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var name = button.getAttribute("data-insert-picture");
        var alt = document.getElementById("alt").value.trim();
        var snippet = "![" + alt + "](" + name + ")";
        /* No alt text yet: the cursor waits between the brackets, to type it there. */
        insertAtCursor(snippet, alt ? snippet.length : 2, alt ? snippet.length : 2);
      });
    });

    setUpDrawingPanel(form, textarea);
  }

  function setUpDrawingPanel(form, textarea) {
    var panel = document.querySelector("[data-drawing]");
    if (!panel) return;
    var surface = panel.querySelector("[data-drawing-surface]");
    /* Made here: an <img> without a picture yet would not be valid HTML. */
    var image = document.createElement("img");
    image.alt = "";
    image.setAttribute("data-drawing-image", "");
    surface.appendChild(image);
    var list = panel.querySelector("[data-drawing-boxes]");
    var rowTemplate = panel.querySelector("[data-drawing-row]");
    var base = form.getAttribute("data-picture-base");
    var name = null, drawing = null, opener = null;

    function showRows(boxes) {
      list.textContent = "";
      boxes.forEach(function (box, index) {
        var row = rowTemplate.content.firstElementChild.cloneNode(true);
        row.querySelector(".drawing-numbers").textContent =
          (index + 1) + ". " + [box.x, box.y, box.w, box.h].map(number).join(", ") + " %";
        var label = row.querySelector("[data-box-label]");
        label.value = box.label || "";
        label.addEventListener("input", function () { box.label = label.value; });
        row.querySelector("[data-box-remove]").addEventListener("click", function () {
          boxes.splice(index, 1);
          drawing.draw();
          showRows(boxes);
        });
        list.appendChild(row);
      });
    }

    drawing = new Drawing(surface, showRows);

    document.querySelectorAll("[data-draw-picture]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        opener = link;
        name = link.getAttribute("data-draw-picture");
        panel.querySelector("[data-drawing-name]").textContent = name;
        /* The page with number fields, for the keyboard: it works on the saved text. */
        panel.querySelector("[data-drawing-numbers]").href = link.href;
        drawing.image.src = base.replace("NAME", encodeURIComponent(name));
        drawing.image.width = parseInt(link.getAttribute("data-width"), 10) || 0;
        drawing.image.height = parseInt(link.getAttribute("data-height"), 10) || 0;
        var uses = findUses(textarea.value, name);
        var use = nearest(uses, textarea.selectionStart);
        drawing.boxes = use ? readBoxes(use.attrs) : [];
        drawing.draw();
        showRows(drawing.boxes);
        panel.hidden = false;
        panel.querySelector("#drawing-title").focus();
      });
    });

    function nearest(uses, at) {
      var best = null;
      uses.forEach(function (use) {
        if (!best || Math.abs(use.start - at) < Math.abs(best.start - at)) best = use;
      });
      return best;
    }

    panel.querySelector("[data-drawing-write]").addEventListener("click", function () {
      var text = textarea.value;
      var use = nearest(findUses(text, name), textarea.selectionStart);
      var snippet;
      if (use) {
        snippet = imageMarkdown(name, use.alt, drawing.boxes);
        textarea.value = text.slice(0, use.start) + snippet + text.slice(use.end);
        textarea.focus();
        textarea.setSelectionRange(use.start, use.start + snippet.length);
      } else {
        var alt = document.getElementById("alt").value.trim();
        snippet = imageMarkdown(name, alt, drawing.boxes);
        var at = textarea.selectionStart;
        textarea.value = text.slice(0, at) + "\n\n" + snippet + "\n\n" + text.slice(at);
        textarea.focus();
        textarea.setSelectionRange(at + 4, at + 4 + alt.length);
      }
      textarea.dispatchEvent(new Event("input"));
    });
    panel.querySelector("[data-drawing-clear]").addEventListener("click", function () {
      drawing.boxes.length = 0;
      drawing.draw();
      showRows(drawing.boxes);
    });
    panel.querySelector("[data-drawing-close]").addEventListener("click", function () {
      panel.hidden = true;
      if (opener) opener.focus();
    });
  }

  /* ---- The highlight page without the editor: drawing fills the number fields. ---- */
  function setUpHighlightPage(surface) {
    var sets = Array.prototype.slice.call(document.querySelectorAll("[data-box-fields]"));
    var drawing = new Drawing(surface, function (boxes) {
      boxes.forEach(function (box, index) {
        var set = sets[index];
        if (!set) return;
        set.querySelector("[data-box-x]").value = number(box.x);
        set.querySelector("[data-box-y]").value = number(box.y);
        set.querySelector("[data-box-w]").value = number(box.w);
        set.querySelector("[data-box-h]").value = number(box.h);
      });
    });
    /* Start from the boxes already in the fields; the picture shows them drawn in. */
    sets.forEach(function (set) {
      var values = ["x", "y", "w", "h"].map(function (key) {
        return parseFloat(set.querySelector("[data-box-" + key + "]").value);
      });
      if (values.every(function (v) { return !isNaN(v); })) {
        drawing.boxes.push({ x: values[0], y: values[1], w: values[2], h: values[3], label: "" });
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("editor-form");
    if (form && window.fetch && window.FormData && window.DOMParser) setUpEditor(form);
    var fields = document.querySelector("[data-drawing-fields]");
    if (fields) setUpHighlightPage(fields);
  });
})();
