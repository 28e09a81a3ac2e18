// Adding quickly: the keys of the panel's quick boxes (Enter adds, Shift+Enter breaks a line,
// Escape closes), the same boxes on the selected node in the diagram, where focus goes after
// a panel form is answered, and keeping typed text when the open node is deleted meanwhile.
// Without JavaScript the boxes are plain <details> and forms.
(function () {
  "use strict";

  const QUICK = [["reason", "+ Reason"], ["rebuttal", "+ Objection"], ["evidence", "+ Evidence"]];

  function panel() { return document.getElementById("panel"); }

  function showKeyHints(root) {
    (root || document).querySelectorAll(".quick-keys").forEach(function (p) { p.hidden = false; });
  }

  function openBox(box) {
    if (!box) return;
    // One box open at a time. (Not <details name>: an answer swapped in beside the open
    // box it replaces would arrive closed.)
    box.parentNode.querySelectorAll(":scope > details.quick[open]").forEach(function (other) {
      other.open = false;
    });
    box.open = true;
    const text = box.querySelector("textarea");
    if (text) text.focus();
  }

  function closeBox(box) {
    box.open = false;
    box.querySelector("summary").focus();
  }

  document.addEventListener("keydown", function (event) {
    const box = event.target.closest && event.target.closest("details.quick");
    if (!box) return;
    if (event.key === "Escape") {
      event.preventDefault();
      closeBox(box);
      return;
    }
    // Enter while an input method is composing (Hangul, say) only ends the composition.
    if (event.key !== "Enter" || event.shiftKey || event.altKey || event.isComposing ||
        event.keyCode === 229 || event.target.tagName !== "TEXTAREA") return;
    event.preventDefault();
    event.target.form.requestSubmit();
  });

  // Opening a box puts the cursor in it at once, so one click is all it takes (the
  // details' own toggle comes a moment later, and keys typed meanwhile would be lost).
  document.addEventListener("click", function (event) {
    const summary = event.target.closest && event.target.closest("details.quick > summary");
    if (!summary || summary.parentNode.open) return;
    event.preventDefault();
    openBox(summary.parentNode);
  });

  // --- the selected node's buttons in the diagram ------------------------------------------

  let scheduled = false;
  let shownKey = ""; // the node whose panel is open
  let reveal = ""; // a newly opened node to bring into the diagram's frame once it is drawn
  let revealTries = 0;

  // Pan (not zoom) so that the node's box is in the frame, when it is not.
  function bringIntoView(node, frame) {
    const api = window.argmapPanZoom && window.argmapPanZoom();
    const box = node.getBoundingClientRect();
    // Not ready: the drawing is being swapped in, or is moving to its new layout.
    if (!api || (api.moving && api.moving())) return false;
    const inside = box.top >= frame.top && box.bottom <= frame.bottom &&
                   box.left >= frame.left && box.right <= frame.right;
    if (inside || revealTries >= 3) return true;
    // svg-pan-zoom redraws on a later frame (and a restored zoom may still be pending), so
    // this is done until the box is seen inside: the redraw's transform schedules a recheck.
    revealTries += 1;
    api.panBy({ x: frame.left + frame.width / 2 - (box.left + box.width / 2),
                y: frame.top + frame.height / 3 - (box.top + box.height / 2) });
    return false;
  }

  function placeBar() {
    scheduled = false;
    const diagram = document.getElementById("diagram");
    let bar = document.getElementById("diagram-quick");
    const detail = document.getElementById("node-detail");
    const key = detail && detail.dataset.key;
    if (key !== shownKey) {
      shownKey = key || "";
      reveal = shownKey;
      revealTries = 0;
    }
    const node = key && diagram && document.getElementById("n-" + key);
    if (node && reveal === key && bringIntoView(node, diagram.getBoundingClientRect())) {
      reveal = "";
    }
    if (!node || !document.getElementById("qa-" + key)) {
      if (bar) bar.remove();
      return;
    }
    if (!bar || bar.parentNode !== diagram) {
      if (bar) bar.remove();
      bar = makeBar();
      diagram.appendChild(bar);
    }
    bar.dataset.key = key;
    const frame = diagram.getBoundingClientRect();
    const box = node.getBoundingClientRect();
    const visible = box.bottom > frame.top && box.top < frame.bottom &&
                    box.right > frame.left && box.left < frame.right;
    bar.hidden = !visible;
    if (!visible) return;
    const height = bar.offsetHeight;
    const width = bar.offsetWidth;
    // Under the box, or over it when there is no room below; always inside the frame.
    let top = box.bottom - frame.top + 4;
    if (top + height > frame.height) top = box.top - frame.top - height - 4;
    let left = box.left - frame.left + box.width / 2 - width / 2;
    left = Math.max(4, Math.min(left, frame.width - width - 4));
    bar.style.top = Math.max(4, top) + diagram.scrollTop + "px";
    bar.style.left = left + diagram.scrollLeft + "px";
  }

  function makeBar() {
    const bar = document.createElement("div");
    bar.id = "diagram-quick";
    bar.className = "diagram-quick";
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", "Add to the selected node");
    QUICK.forEach(function (pair) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "secondary";
      button.dataset.quick = pair[0];
      button.textContent = pair[1];
      bar.appendChild(button);
    });
    return bar;
  }

  function schedule() {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(placeBar);
  }

  document.addEventListener("click", function (event) {
    const button = event.target.closest && event.target.closest("#diagram-quick [data-quick]");
    if (button) openBox(document.getElementById("quick-" + button.dataset.quick));
  });

  // --- focus after a panel form, and typing kept when the node goes ------------------------

  let answered = null; // { status } of the panel form whose answer is being swapped in

  function typedInto(root) {
    return Array.from(root.querySelectorAll("form")).some(function (form) {
      if (form.hasAttribute("data-keep")) return true;
      return Array.from(form.elements).some(function (el) {
        if (el.type === "hidden" || el.closest("details:not([open])")) return false;
        if (el.tagName === "SELECT") {
          return Array.from(el.options).some(function (o) { return o.selected !== o.defaultSelected; });
        }
        return "defaultValue" in el && el.value !== el.defaultValue;
      });
    });
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    const d = event.detail;
    const elt = d.requestConfig && d.requestConfig.elt;
    const here = panel();
    if (!d.target || d.target !== here) return;
    if (elt && elt.tagName === "FORM" && here.contains(elt)) {
      answered = { status: d.xhr.status };
      return;
    }
    // A live refresh found the open node deleted and answers with the whole panel: while
    // someone is typing there, only the detail is replaced, so they can still save it.
    if (d.xhr.getResponseHeader("HX-Retarget") && typedInto(here)) {
      const detail = document.getElementById("node-detail");
      if (detail) {
        d.target = detail;
        d.selectOverride = "#node-detail";
      }
    }
  });

  function focusOn(el) {
    if (!el) return false;
    if (!el.matches("input, select, textarea, button, a, [tabindex]")) el.tabIndex = -1;
    el.focus();
    return true;
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    schedule();
    showKeyHints(panel());
    const target = event.detail.target;
    if (!answered || !target || target.id !== "panel") return;
    const status = answered.status;
    answered = null;
    const here = panel();
    if (status === 422) {
      focusOn(here.querySelector("[aria-invalid=true]"));
    } else if (status === 409) {
      focusOn(here.querySelector(".conflict"));
    } else {
      focusOn(document.getElementById("added") || here.querySelector(".ok[role=status]") ||
              document.getElementById("panel-heading"));
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    showKeyHints();
    // Pan and zoom move the drawing by its transform; swaps and selection change the rest.
    new MutationObserver(schedule).observe(document.body, {
      subtree: true, childList: true, attributes: true, attributeFilter: ["transform", "class"],
    });
    window.addEventListener("resize", schedule);
    schedule();
  });
})();
