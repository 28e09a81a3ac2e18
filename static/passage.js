// Mapping from the source text: selecting a passage offers "Map this passage", which opens the
// "Map a passage" form (templates/maps/_map_passage.html) below the passage's paragraph, with
// the passage as the anchor and its words as a first draft. The form works without this too.
(function () {
  "use strict";
  let chosen = null; // the current selection: { start, quote, paragraph }
  let draft = ""; // the text last filled in, replaced only while the person hasn't edited it
  let justMapped = false; // scroll the new node's passage into view once the text refreshes

  function counted(text) { // the paragraph number and the passage tags aren't the source text
    return !text.parentElement.closest(".para-no, .passage-link");
  }

  function paragraphOf(node) {
    const el = node && (node.nodeType === 1 ? node : node.parentElement);
    return el ? el.closest(".text-body p[data-start]") : null;
  }

  function bounds(p) { return [Number(p.dataset.start), Number(p.dataset.end)]; }

  // Where a boundary point (node, offset) inside paragraph `p` is in the source text.
  function offsetIn(p, node, offset) {
    const point = document.createRange();
    point.setStart(node, offset);
    let count = 0;
    const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      if (t === node) { if (counted(t)) count += offset; break; }
      if (point.comparePoint(t, t.length) > 0) break; // this text begins after the point
      if (counted(t)) count += t.length;
    }
    const [start, end] = bounds(p);
    return Math.min(start + count, end);
  }

  function textOf(p) {
    let text = "";
    const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
    for (let t = walker.nextNode(); t; t = walker.nextNode()) if (counted(t)) text += t.data;
    const [start, end] = bounds(p);
    return text.slice(0, end - start);
  }

  // The selection as offsets into the source text; paragraphs it runs across are joined by a
  // newline, which the server refuses with its message next to the field.
  function selected() {
    const sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
    const range = sel.getRangeAt(0);
    const body = document.querySelector(".text-body");
    if (!body || !body.contains(range.commonAncestorContainer)) return null;
    const first = paragraphOf(range.startContainer) ||
      Array.from(body.querySelectorAll("p[data-start]")).find(function (p) {
        return range.comparePoint(p, 0) >= 0;
      });
    let last = paragraphOf(range.endContainer);
    if (!first) return null;
    const paras = Array.from(body.querySelectorAll("p[data-start]"));
    const from = offsetIn(first, range.startContainer, range.startOffset);
    let to = last ? offsetIn(last, range.endContainer, range.endOffset) : null;
    if (!last) { // it ends between paragraphs: with the last one it reaches into
      const reached = paras.filter(function (p) { return range.comparePoint(p, 0) <= 0; });
      last = reached[reached.length - 1];
      to = bounds(last)[1];
    } else if (last !== first && to === bounds(last)[0]) {
      // Ending at the very start of a paragraph (as a triple click does) is ending with the
      // paragraph before it.
      last = paras[paras.indexOf(last) - 1];
      to = bounds(last)[1];
    }
    const a = paras.indexOf(first), b = paras.indexOf(last);
    if (b < a) return null;
    const parts = [];
    for (let i = a; i <= b; i++) {
      const [start] = bounds(paras[i]);
      const text = textOf(paras[i]);
      parts.push(text.slice(i === a ? from - start : 0, i === b ? to - start : text.length));
    }
    const quote = parts.join("\n");
    if (!quote.trim()) return null;
    return { start: from, quote: quote, paragraph: a === b ? a + 1 : "", after: last, range: range };
  }

  function button() { return document.getElementById("map-passage-button"); }

  function hideButton() {
    const b = button();
    if (b) b.hidden = true;
  }

  function showButton() {
    const b = button();
    if (!b) return;
    const now = selected();
    if (!now) { // keep the last selection while the button has the focus (Tab reached it)
      if (document.activeElement !== b) { hideButton(); chosen = null; }
      return;
    }
    chosen = now;
    // Next in the tab order after the passage's paragraph.
    if (chosen.after.nextElementSibling !== b) chosen.after.after(b);
    b.hidden = false;
    const rects = chosen.range.getClientRects();
    const end = rects.length ? rects[rects.length - 1] : chosen.range.getBoundingClientRect();
    const host = (b.offsetParent || document.body).getBoundingClientRect();
    const left = Math.max(0, Math.min(end.right - host.left - b.offsetWidth / 2,
                                      host.width - b.offsetWidth));
    b.style.left = left + "px";
    b.style.top = (end.bottom - host.top + 6) + "px";
  }

  function field(form, name) { return form.elements.namedItem(name); }

  function openForm() {
    const details = document.getElementById("map-passage");
    if (!chosen || !details) return;
    const form = details.querySelector("form");
    field(form, "passage_quote").value = chosen.quote;
    field(form, "passage_paragraph").value = chosen.paragraph;
    field(form, "passage_start").value = String(chosen.start);
    const text = field(form, "text");
    if (!text.value.trim() || text.value === draft) {
      draft = chosen.quote.replace(/\s+/g, " ").trim();
      text.value = draft;
    }
    chosen.after.after(details); // right below the passage
    details.open = true;
    hideButton();
    text.focus({ preventScroll: true });
    // The form's top a third of the way down: the passage's lines above it stay in sight.
    window.scrollBy(0, details.getBoundingClientRect().top - window.innerHeight / 3);
  }

  function kindChanged(form) {
    const kind = field(form, "kind").value;
    const relation = field(form, "relation");
    if (relation) relation.value = kind === "rebuttal" ? "attack" : "support";
    const citation = document.getElementById("map-citation");
    if (citation && kind === "evidence") citation.open = true;
  }

  let pending = false;
  document.addEventListener("selectionchange", function () {
    if (pending || !button()) return;
    pending = true;
    window.requestAnimationFrame(function () { pending = false; showButton(); });
  });

  document.addEventListener("mousedown", function (event) {
    // Pressing the button must not clear the selection it is about.
    if (event.target.closest && event.target.closest("#map-passage-button")) {
      event.preventDefault();
    }
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("#map-passage-button")) openForm();
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && button() && !button().hidden) hideButton();
  });

  document.addEventListener("input", function (event) {
    const form = event.target.form;
    if (!form || !form.closest("#map-passage")) return;
    const name = event.target.name;
    // Typed words are looked up in the text; the selection's offset no longer applies.
    if (name === "passage_quote" || name === "passage_paragraph") {
      field(form, "passage_start").value = "";
    }
  });

  document.addEventListener("change", function (event) {
    if (event.target.name === "kind" && event.target.form &&
        event.target.form.closest("#map-passage")) kindChanged(event.target.form);
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    const elt = event.detail.elt;
    if (elt && elt.closest && elt.closest("#map-passage") && event.detail.successful &&
        event.detail.xhr.status < 300) justMapped = true;
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    if (!event.detail.target || event.detail.target.id !== "view") return;
    const details = document.getElementById("map-passage");
    const invalid = details && details.open && details.querySelector("[aria-invalid=true]");
    if (invalid) { // a refusal: show the form below its passage again, at the first error
      const form = details.querySelector("form");
      const number = parseInt(field(form, "passage_paragraph").value, 10);
      const at = parseInt(field(form, "passage_start").value, 10);
      const paras = Array.from(document.querySelectorAll(".text-body p[data-start]"));
      const p = paras.find(function (q) {
        return isNaN(at) ? false : bounds(q)[0] <= at && at <= bounds(q)[1];
      }) || paras[number - 1];
      if (p) p.after(details);
      invalid.focus();
    } else if (justMapped) {
      justMapped = false;
      const mark = document.querySelector("mark.passage.selected");
      if (mark) mark.scrollIntoView({ block: "center" });
    }
  });
})();
