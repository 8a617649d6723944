"""What a low-vision learner on a phone would notice, measured in the page.

Each function runs in the browser and returns plain data, so a test can assert on it and a
person can read the numbers: words cut across lines, tap targets smaller than 44 × 44 CSS
px, focus rings too faint against what is behind them, sideways scrolling.
"""

# Every word (3+ letters) of the main content, as a Range: a word whose client rects sit on
# more than one line was cut. Breaking after a hyphen or a slash is normal typography, so
# "assurance-emploi" is two words here and "gmail.c|om" is one cut word. French punctuation
# that a space separates from its word (":", "?", "»") is cut from it when it starts a line.
SPLIT_WORDS = """
(root) => {
  const scope = document.querySelector(root) || document.body;
  const walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
  const cut = [];
  let words = 0;
  const where = node => `${node.parentElement.tagName.toLowerCase()}${node.parentElement.className ? '.' + node.parentElement.className.split(' ')[0] : ''}, ${Math.round(scope.clientWidth)}px`;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.data;
    const pattern = /[^\\s\\-\\/\\u2010-\\u2014]+[\\-\\/\\u2010-\\u2014]?/gu;
    for (const match of text.matchAll(pattern)) {
      const letters = (match[0].match(/\\p{L}/gu) || []).length;
      if (letters < 3) continue;
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const rects = [...range.getClientRects()].filter(r => r.width > 0 && r.height > 0);
      if (!rects.length) continue;  // not shown (hidden, or visually hidden)
      words += 1;
      const tops = rects.map(r => r.top + r.height / 2);
      const spread = Math.max(...tops) - Math.min(...tops);
      if (spread > Math.min(...rects.map(r => r.height)) / 2) cut.push(`${match[0]} (in ${where(node)})`);
    }
    // French punctuation after a space (":", "?", "»"…) must not start a line of its own.
    for (const match of text.matchAll(/\\S+\\s+(?:[:;?»]|!(?!\\[))/gu)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const rects = [...range.getClientRects()].filter(r => r.width > 0 && r.height > 0);
      if (rects.length < 2) continue;
      const tops = rects.map(r => r.top + r.height / 2);
      if (Math.max(...tops) - Math.min(...tops) > Math.min(...rects.map(r => r.height)) / 2) {
        cut.push(`${match[0].replace(/\\s+/g, ' ')} (punctuation alone at a line's start, in ${where(node)})`);
      }
    }
  }
  return {words, cut};
}
"""

# Links, buttons, fields, summaries, and radios/checkboxes by their label's box. Links
# inside running text (a paragraph or list item with other words) are exempt (WCAG 2.5.8).
TARGETS = """
() => {
  const visible = el => {
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return r.width > 2 && r.height > 2 && style.visibility !== 'hidden';
  };
  const inRunningText = el => {
    const block = el.closest('p, li, td, th, dd, figcaption, blockquote');
    if (!block || block.classList.contains('shot-full')) return false;
    const own = el.textContent.replace(/\\s+/g, ' ').trim();
    const all = block.textContent.replace(/\\s+/g, ' ').trim();
    return all.length > own.length + 1;
  };
  const found = [];
  for (const el of document.querySelectorAll('a[href], button, input, select, textarea, summary')) {
    if (el.type === 'hidden' || el.closest('[hidden], .visually-hidden')) continue;
    let box = el;
    if (el.type === 'radio' || el.type === 'checkbox') box = el.closest('label') || (el.id && document.querySelector(`label[for="${el.id}"]`)) || el;
    if (el.tagName === 'A' && inRunningText(el)) continue;
    if (!visible(box)) continue;
    const r = box.getBoundingClientRect();
    found.push({
      what: `${el.tagName.toLowerCase()} “${(el.textContent || el.value || el.name || '').trim().slice(0, 40)}”`,
      width: Math.round(r.width * 10) / 10,
      height: Math.round(r.height * 10) / 10,
    });
  }
  return found;
}
"""

# The focused element's outline colour against the first opaque background behind it.
FOCUS_CONTRAST = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const rgb = value => {
    const m = value.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  };
  const luminance = c => {
    const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const style = getComputedStyle(el);
  if (style.outlineStyle === 'none' || parseFloat(style.outlineWidth) < 2) {
    return {what: el.outerHTML.slice(0, 80), ratio: 0, ring: 'none', behind: ''};
  }
  const ring = rgb(style.outlineColor);
  // The ring sits outside the element (outline-offset): what is behind it is the parent's.
  let behind = null;
  for (let node = el.parentElement; node; node = node.parentElement) {
    const bg = rgb(getComputedStyle(node).backgroundColor);
    if (bg && bg.a > 0.5) { behind = bg; break; }
  }
  behind = behind || {r: 255, g: 255, b: 255, a: 1};
  const [hi, lo] = [luminance(ring), luminance(behind)].sort((a, b) => b - a);
  return {
    what: `${el.tagName.toLowerCase()} “${(el.textContent || el.value || '').trim().slice(0, 40)}”`,
    ratio: Math.round((hi + 0.05) / (lo + 0.05) * 100) / 100,
    ring: style.outlineColor,
    behind: `rgb(${behind.r}, ${behind.g}, ${behind.b})`,
  };
}
"""

# Each line of text of the header's links, buttons and "Signed in" sentence, by its vertical
# centre: lines that overlap vertically are a row, and a row's centres should agree (a link
# whose text sat at the top of its 44-px box read a few px above the "Sign out" button).
HEADER_ROWS = """
() => {
  // Each line of text of the header's controls: its vertical centre. Lines that overlap
  // vertically are one row; report the spread of centres in each row.
  const lines = [];
  for (const el of document.querySelectorAll('.header-links a, .header-links button, .header-links .signed-in-as')) {
    if (!el.getClientRects().length) continue;
    const range = document.createRange(); range.selectNodeContents(el);
    for (const r of range.getClientRects()) if (r.width > 0 && r.height > 0) lines.push({text: el.textContent.trim().slice(0, 24), top: r.top, bottom: r.bottom});
  }
  const rows = [];
  for (const line of lines) {
    const row = rows.find(row => row.some(o => Math.min(o.bottom, line.bottom) - Math.max(o.top, line.top) > (line.bottom - line.top) / 2));
    if (row) row.push(line); else rows.push([line]);
  }
  return rows.filter(row => row.length > 1).map(row => {
    const centres = row.map(l => (l.top + l.bottom) / 2);
    return {texts: row.map(l => l.text), spread: Math.round((Math.max(...centres) - Math.min(...centres)) * 10) / 10};
  });
}
"""

SIDEWAYS = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def split_words(page, root: str = "main") -> dict:
    """Return {"words": how many were measured, "cut": the words cut across lines}."""
    return page.evaluate(SPLIT_WORDS, root)


def header_rows(page) -> list[dict]:
    """Return the header's rows of controls: their texts and how far apart their text's
    vertical centres are (CSS px)."""
    return page.evaluate(HEADER_ROWS)


def small_targets(page, minimum: float = 44) -> list[dict]:
    """Return the controls smaller than minimum × minimum CSS px."""
    return [t for t in page.evaluate(TARGETS) if t["width"] < minimum or t["height"] < minimum]


def narrowest_target(page) -> float:
    """Return the smallest side of any control on the page (CSS px)."""
    targets = page.evaluate(TARGETS)
    return min((min(t["width"], t["height"]) for t in targets), default=float("inf"))


def focus_rings(page, limit: int = 60) -> list[dict]:
    """Tab through the page from the top; return each focused element's ring contrast."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.evaluate("window.scrollTo(0, 0)")
    seen, rings = set(), []
    for _ in range(limit):
        page.keyboard.press("Tab")
        ring = page.evaluate(FOCUS_CONTRAST)
        if ring is None:
            break
        key = ring["what"] + ring["behind"]
        if key in seen:
            break
        seen.add(key)
        rings.append(ring)
    return rings


def sideways_scroll(page) -> int:
    """Return how many CSS px the page scrolls sideways (0 when it fits)."""
    return page.evaluate(SIDEWAYS)
