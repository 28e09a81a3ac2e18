// Finding your way in a big map: node choosers that suggest as you type (the ARIA 1.2
// combobox pattern), and in-place navigation for the links and forms that change which part
// of the map is shown (search results, focus, collapse, "+N hidden" boxes). Without
// JavaScript each is a plain link or form that the server answers in full.
(function () {
  "use strict";

  const DELAY_MS = 200; // after the last key, before asking the server

  // ---- Node choosers ----------------------------------------------------------------------

  function setUpChoosers(root) {
    root.querySelectorAll("[data-chooser]").forEach(function (box) {
      const input = box.querySelector("input[type=text]");
      if (!input || input.getAttribute("role") === "combobox") return;
      const list = box.querySelector("[role=listbox]");
      input.setAttribute("role", "combobox");
      input.setAttribute("aria-autocomplete", "list");
      input.setAttribute("aria-expanded", "false");
      input.setAttribute("aria-controls", list.id);
      const status = document.createElement("p");
      status.className = "visually-hidden chooser-status";
      status.setAttribute("role", "status");
      box.appendChild(status);
    });
  }

  function chooserOf(el) {
    const box = el.closest && el.closest("[data-chooser]");
    if (!box) return null;
    return { box: box, input: box.querySelector("input[type=text]"),
             key: box.querySelector("input[type=hidden]"),
             list: box.querySelector("[role=listbox]"),
             status: box.querySelector(".chooser-status") };
  }

  function close(c) {
    c.list.hidden = true;
    c.input.setAttribute("aria-expanded", "false");
    c.input.removeAttribute("aria-activedescendant");
  }

  function options(c) { return Array.from(c.list.querySelectorAll("[role=option]")); }

  function activate(c, index) {
    const all = options(c);
    all.forEach(function (o, i) { o.setAttribute("aria-selected", String(i === index)); });
    if (index < 0 || index >= all.length) {
      c.input.removeAttribute("aria-activedescendant");
      return;
    }
    c.input.setAttribute("aria-activedescendant", all[index].id);
    all[index].scrollIntoView({ block: "nearest" });
  }

  function pick(c, option) {
    c.input.value = option.dataset.label;
    c.key.value = option.dataset.key;
    close(c);
    c.status.textContent = "Chosen: " + option.dataset.label;
  }

  function show(c, answer) {
    c.list.replaceChildren();
    answer.matches.forEach(function (m, i) {
      const li = document.createElement("li");
      li.id = c.list.id + "-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.dataset.key = m.key;
      li.dataset.label = m.label;
      const kind = document.createElement("span");
      kind.className = "kind-tag kind-" + m.kind;
      kind.textContent = m.kind;
      const key = document.createElement("code");
      key.textContent = m.key;
      li.append(kind, " " + m.label + " ", key);
      c.list.appendChild(li);
    });
    if (answer.more) {
      const li = document.createElement("li");
      li.className = "chooser-more";
      li.setAttribute("role", "presentation");
      li.textContent = "…and " + answer.more + " more: type more of the text";
      c.list.appendChild(li);
    }
    const open = answer.matches.length > 0;
    c.list.hidden = !open;
    c.input.setAttribute("aria-expanded", String(open));
    c.input.removeAttribute("aria-activedescendant");
    c.status.textContent = answer.total === 0 ? "No node matches." :
      answer.total + (answer.total === 1 ? " node matches" : " nodes match") +
      "; use the arrow keys to choose.";
  }

  const timers = new WeakMap();
  let asked = 0; // only the latest answer is shown

  function suggest(c) {
    c.key.value = ""; // what was typed no longer names the picked node
    clearTimeout(timers.get(c.input));
    const query = c.input.value.trim();
    if (!query) { close(c); c.list.replaceChildren(); return; }
    timers.set(c.input, setTimeout(function () {
      const number = ++asked;
      const url = new URL(c.box.dataset.chooser, location.href);
      url.searchParams.set("q", query.slice(0, 200));
      if (c.box.dataset.exclude) url.searchParams.set("except", c.box.dataset.exclude);
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (answer) {
          if (answer && number === asked && document.contains(c.input)) show(c, answer);
        }, function () { /* offline: the server resolves what was typed on submit */ });
    }, DELAY_MS));
  }

  document.addEventListener("input", function (event) {
    const c = chooserOf(event.target);
    if (c && event.target === c.input) suggest(c);
  });

  document.addEventListener("keydown", function (event) {
    const c = chooserOf(event.target);
    if (!c || event.target !== c.input) return;
    const all = options(c);
    const current = all.findIndex(function (o) { return o.getAttribute("aria-selected") === "true"; });
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!all.length) return;
      event.preventDefault();
      c.list.hidden = false;
      c.input.setAttribute("aria-expanded", "true");
      const step = event.key === "ArrowDown" ? 1 : -1;
      activate(c, current < 0 ? (step > 0 ? 0 : all.length - 1)
                              : (current + step + all.length) % all.length);
    } else if (event.key === "Enter" && !c.list.hidden && current >= 0) {
      event.preventDefault(); // picks; a second Enter submits the form
      pick(c, all[current]);
    } else if (event.key === "Escape" && !c.list.hidden) {
      event.preventDefault();
      close(c);
    }
  });

  // mousedown, not click: the input keeps its focus, so the list is not closed first.
  document.addEventListener("mousedown", function (event) {
    const option = event.target.closest && event.target.closest("[data-chooser] [role=option]");
    if (!option) return;
    event.preventDefault();
    pick(chooserOf(option), option);
  });

  document.addEventListener("focusout", function (event) {
    const c = chooserOf(event.target);
    if (c && event.target === c.input) close(c);
  });

  // ---- Moving about the map in place ------------------------------------------------------

  function anchorOf(url) {
    const params = new URL(url, location.href).searchParams;
    return params.get("open") || params.get("node") || params.get("focus") || "";
  }

  function load(url, id) {
    const target = document.getElementById(id);
    if (!target) return Promise.resolve(false);
    return window.htmx.ajax("GET", url, { source: target, target: target, swap: "outerHTML" })
      .then(function () { return true; }, function () { return false; });
  }

  let navigating = false;
  let anchor = ""; // the node to bring into view once its drawing is there

  // The view and the panel from `url`; the address becomes the view's own (data-url), so an
  // "open=" link leaves the expanded state in it. The view is drawn now (draw=now), not in
  // a second request, since someone is waiting for it.
  function navigate(url) {
    navigating = true;
    anchor = anchorOf(url);
    const drawn = url + (url.indexOf("?") >= 0 ? "&" : "?") + "draw=now";
    Promise.all([load(drawn, "view"), load(url, "panel")]).then(function (loaded) {
      navigating = false;
      if (!loaded[0]) return;
      const view = document.getElementById("view");
      history.pushState({ htmx: true }, "", (view && view.dataset.url) || url);
    });
  }

  // Bring the node into the middle of the diagram's frame, at the zoom it has: measured two
  // frames later, once svg-pan-zoom has drawn the zoom and pan app.js gave the new drawing.
  function centre(key) {
    const svg = document.querySelector("#diagram svg");
    const node = key && document.getElementById("n-" + key);
    if (!svg || !node || !window.argmapPanZoom || !window.argmapPanZoom()) return false;
    requestAnimationFrame(function () {
      requestAnimationFrame(function () { if (document.contains(node)) centreNow(svg, node); });
    });
    return true;
  }

  function centreNow(svg, node) {
    const api = window.argmapPanZoom(); // the live drawing's (app.js)
    if (!api) return;
    let frame = svg.getBoundingClientRect();
    if (Math.min(frame.bottom, window.innerHeight) - Math.max(frame.top, 0) < 240) {
      svg.scrollIntoView({ block: "nearest" });
      frame = svg.getBoundingClientRect();
    }
    // The middle of the part of the frame that is on the screen.
    const top = Math.max(frame.top, 0);
    const bottom = Math.min(frame.bottom, window.innerHeight);
    const box = node.getBoundingClientRect();
    api.panBy({ x: frame.left + frame.width / 2 - (box.left + box.width / 2),
                y: (top + bottom) / 2 - (box.top + box.height / 2) });
  }

  let pointerDown = null;
  document.addEventListener("pointerdown", function (event) {
    pointerDown = { x: event.clientX, y: event.clientY };
  }, true);

  function plainClick(event) {
    return event.button === 0 && !event.ctrlKey && !event.metaKey && !event.shiftKey &&
      !event.altKey && window.htmx;
  }

  // Capturing, so that a "+N hidden" box is not opened as a node by app.js's handler.
  document.addEventListener("click", function (event) {
    if (!plainClick(event) || !event.target.closest) return;
    const stub = event.target.closest("#diagram g.stub");
    const link = event.target.closest(stub ? "a" : "a[data-map-nav]");
    if (!link) return;
    event.preventDefault();
    event.stopPropagation();
    if (stub && pointerDown && event.detail > 0 &&
        Math.hypot(event.clientX - pointerDown.x, event.clientY - pointerDown.y) > 5) return;
    navigate(link.getAttribute("href") || link.getAttribute("xlink:href"));
  }, true);

  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (!form.matches("form[data-map-nav]") || !window.htmx) return;
    event.preventDefault();
    const url = new URL(form.action, location.href);
    url.search = new URLSearchParams(new FormData(form)).toString();
    navigate(url.pathname + url.search);
  });

  // A live refresh of the view keeps what is being typed into its search box.
  let typed = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    const box = document.getElementById("find-q");
    if (!navigating && event.detail.target && event.detail.target.id === "view" && box &&
        box.value) {
      typed = { value: box.value, focused: document.activeElement === box };
    }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    setUpChoosers(document);
    // After app.js's handler has set up pan and zoom for the new drawing.
    const swapped = event.detail.target && event.detail.target.id === "view";
    if (anchor && swapped && centre(anchor)) anchor = "";
    const box = document.getElementById("find-q");
    if (typed && box && event.detail.target && event.detail.target.id === "view") {
      if (!box.value) {
        box.value = typed.value;
        window.htmx.trigger(box, "search");
      }
      if (typed.focused) box.focus();
      typed = null;
    }
  });

  document.addEventListener("DOMContentLoaded", function () { setUpChoosers(document); });
})();
