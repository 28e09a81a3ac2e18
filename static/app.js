// argmap page behaviour on top of htmx: pan and zoom for the diagram, opening a node's panel
// from the diagram, focus after swaps, and refreshing the views when the map changes.
// Every action here also exists as a plain link or form for use without JavaScript.
(function () {
  "use strict";
  // Styles for what only works with JavaScript (e.g. choices that apply themselves).
  document.documentElement.classList.add("js");

  let panZoom = null;
  let savedView = null; // zoom and pan kept across a live refresh of the diagram
  let pointerDown = null;
  // For quickadd.js and finder.js, which bring a node into view: whichever drawing is live,
  // the one motion.js moves or the server's under svg-pan-zoom; both have panBy({x, y}).
  window.argmapPanZoom = function () {
    const moving = window.argmapMotionView && window.argmapMotionView();
    if (moving) return moving;
    return panZoom && document.contains(panZoom.svg) ? panZoom.api : null;
  };

  function initDiagram() {
    const svg = document.querySelector("#diagram svg");
    // A drawing that static/motion.js moves has its own zoom (d3-zoom).
    if (!svg || svg.closest(".motion-stage") || typeof window.svgPanZoom !== "function") return;
    if (panZoom && panZoom.svg === svg) return;
    svg.removeAttribute("width");
    svg.removeAttribute("height");
    // Set through the CSSOM, which the CSP allows; svg-pan-zoom would write a style attribute.
    svg.style.overflow = "hidden";
    const instance = window.svgPanZoom(svg, {
      zoomScaleSensitivity: 0.25, minZoom: 0.2, maxZoom: 25, fit: true, center: true,
      dblClickZoomEnabled: false, preventMouseEventsDefault: false,
      // Ctrl/Cmd + wheel (and a touchpad pinch, which the browser reports as one) zooms;
      // a plain wheel pans the drawing, or scrolls the page where the page scrolls (below).
      mouseWheelZoomEnabled: false,
    });
    svg.addEventListener("wheel", function (event) {
      if (!event.ctrlKey && !event.metaKey) {
        // In the full-window workspace the page does not scroll, so the wheel moves the
        // drawing, as in a map or a drawing program; elsewhere it scrolls the page.
        if (getComputedStyle(document.body).overflowY !== "hidden") return;
        event.preventDefault();
        const lines = event.deltaMode === 1 ? 16 : 1;
        instance.panBy({ x: -event.deltaX * lines, y: -event.deltaY * lines });
        return;
      }
      event.preventDefault();
      const box = svg.getBoundingClientRect();
      // Exponential, so a notch in and a notch out cancel; at most ×1.28 per event.
      const step = Math.min(Math.max(-event.deltaY, -100), 100) / 400;
      instance.zoomAtPointBy(Math.exp(step), { x: event.clientX - box.left,
                                               y: event.clientY - box.top });
    }, { passive: false });
    panZoom = { svg: svg, api: instance };
    if (!savedView) legibleStart(svg, instance);
    if (savedView) {
      // Zoom is relative to the fitted size, which changes with the drawing: keep the scale.
      instance.zoom(savedView.realZoom / instance.getSizes().realZoom * instance.getZoom());
      instance.pan(savedView.pan);
      savedView = null;
    }
    document.querySelectorAll(".zoom-tools").forEach(function (el) { el.hidden = false; });
    markSelected();
  }

  // A node's text is 11 pt in the drawing's units; below this many screen pixels, a fitted
  // overview is specks, so the page starts at this size, at the top of the thesis instead
  // ("Fit to screen" still shows it all).
  const LEGIBLE_TEXT_PX = 11;
  const NODE_TEXT_UNITS = 11;

  function legibleStart(svg, instance) {
    const thesis = svg.querySelector("g.node.thesis") || svg.querySelector("g.node");
    const ctm = thesis && thesis.getScreenCTM();
    if (!ctm) return;
    const textPx = NODE_TEXT_UNITS * ctm.a; // screen pixels per drawing unit, as fitted
    if (textPx >= LEGIBLE_TEXT_PX) return;
    // zoomBy scales about the frame's centre; svg-pan-zoom redraws later, so where the
    // thesis lands is worked out here rather than measured again.
    const factor = LEGIBLE_TEXT_PX / textPx;
    const frame = svg.getBoundingClientRect();
    const box = thesis.getBoundingClientRect();
    const mid = { x: frame.left + frame.width / 2, y: frame.top + frame.height / 2 };
    instance.zoomBy(factor);
    instance.panBy({ x: mid.x - (mid.x + (box.left + box.width / 2 - mid.x) * factor),
                     y: frame.top + 16 - (mid.y + (box.top - mid.y) * factor) });
  }

  function selectedKey() {
    const detail = document.getElementById("node-detail");
    return detail ? detail.dataset.key : "";
  }

  function markSelected() {
    const key = selectedKey();
    document.querySelectorAll("#diagram g.node.selected").forEach(function (g) {
      g.classList.remove("selected");
    });
    if (key) {
      const node = document.getElementById("n-" + key);
      if (node) node.classList.add("selected");
    }
    document.querySelectorAll(".outline .node-link").forEach(function (a) {
      const on = a.id === "o-" + key || a.getAttribute("href").endsWith("node=" + key);
      a.classList.toggle("selected", on);
      if (on) a.setAttribute("aria-current", "true"); else a.removeAttribute("aria-current");
    });
  }

  // htmx.ajax's promise rejects (with nothing) when a request fails, times out or is aborted,
  // as when the page is left mid-request. htmx's own error events already told the person
  // (see flash below), so a failed load settles as `false` instead of an unhandled rejection.
  function load(href, targetId) {
    const target = document.getElementById(targetId);
    if (!target) return Promise.resolve(false);
    // The target is the source too, so loads of different parts never cancel each other.
    return window.htmx.ajax("GET", href, { source: target, target: target, swap: "outerHTML" })
      .then(function () { return true; }, function () { return false; });
  }

  function openPanel(href) {
    load(href, "panel").then(function (loaded) {
      if (!loaded) return;
      history.pushState({ htmx: true }, "", href);
      focusPanel();
    });
  }

  function focusPanel() {
    const heading = document.getElementById("panel-heading");
    if (heading) heading.focus({ preventScroll: false });
  }

  // One refresh at a time: changes that arrive meanwhile are folded into one more refresh
  // after it, so a burst of changes never stacks up overlapping requests.
  let refreshing = false;
  let pending = null; // { panel: bool } for the refresh to run next

  function refresh(event) {
    // A change made from the panel already answered with a fresh panel.
    const panel = !(event && event.detail && event.detail.panel === "fresh");
    if (refreshing) {
      pending = { panel: panel || (pending !== null && pending.panel) };
      return;
    }
    refreshing = true;
    const here = location.pathname + location.search;
    const loads = [load(here, "view")];
    if (panel) loads.push(load(here, "node-detail"));
    Promise.all(loads).then(function () {
      refreshing = false;
      const next = pending;
      pending = null;
      if (next) refresh({ detail: { panel: next.panel ? "stale" : "fresh" } });
    });
  }

  document.addEventListener("pointerdown", function (event) {
    pointerDown = { x: event.clientX, y: event.clientY };
  });

  // Diagram boxes are SVG links to the node's panel; open the panel in place instead,
  // unless the pointer moved (a pan, not a click).
  document.addEventListener("click", function (event) {
    const link = event.target.closest && event.target.closest("#diagram a");
    if (!link || !window.htmx || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    if (pointerDown && event.detail > 0 &&
        Math.hypot(event.clientX - pointerDown.x, event.clientY - pointerDown.y) > 5) return;
    const href = link.getAttribute("href") || link.getAttribute("xlink:href");
    if (href) openPanel(href);
  });

  // The header's dialogs (About, Export, Fork) open over the workspace: a click elsewhere or
  // Escape closes them, as a menu would.
  function closeDrops(except) {
    document.querySelectorAll("details.drop[open]").forEach(function (d) {
      if (d !== except) d.open = false;
    });
  }
  document.addEventListener("click", function (event) {
    closeDrops(event.target.closest && event.target.closest("details.drop"));
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    const open = document.activeElement && document.activeElement.closest &&
      document.activeElement.closest("details.drop[open]");
    if (open) { open.open = false; open.querySelector("summary").focus(); }
  });

  // The phone drawer: the panel shrinks to its heading and back.
  function initDrawer() {
    const toggle = document.querySelector("#panel .drawer-toggle");
    if (toggle) toggle.hidden = false;
  }
  document.addEventListener("click", function (event) {
    const toggle = event.target.closest && event.target.closest(".drawer-toggle");
    if (!toggle) return;
    const panel = document.getElementById("panel");
    const shrunk = panel.classList.toggle("shrunk");
    toggle.setAttribute("aria-expanded", shrunk ? "false" : "true");
    toggle.textContent = shrunk ? "Show the panel" : "Hide the panel";
  });

  document.addEventListener("click", function (event) {
    const button = event.target.closest && event.target.closest("[data-zoom]");
    if (!button || !panZoom) return;
    const api = panZoom.api;
    if (button.dataset.zoom === "in") api.zoomIn();
    else if (button.dataset.zoom === "out") api.zoomOut();
    else { api.resize(); api.fit(); api.center(); }
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    const target = event.detail.target;
    if (target && target.id === "view" && panZoom && document.contains(panZoom.svg)) {
      savedView = { realZoom: panZoom.api.getSizes().realZoom, pan: panZoom.api.getPan() };
      const requested = event.detail.requestConfig && event.detail.requestConfig.path;
      if (requested && requested.indexOf("view=") >= 0) savedView = null; // another view
      panZoom.api.destroy();
      panZoom = null;
    }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    initDiagram();
    initDrawer();
    markSelected();
    const elt = event.detail.requestConfig && event.detail.requestConfig.elt;
    // A link that opened a node moves focus into its panel; a form keeps focus where it was.
    if (event.detail.target && event.detail.target.id === "panel" && elt && elt.tagName === "A") {
      focusPanel();
    }
  });

  function flash(message) {
    const box = document.getElementById("flash");
    if (!box) return;
    box.textContent = message;
    box.hidden = false;
  }

  document.addEventListener("htmx:responseError", function () {
    flash("argmap could not complete that request. Your change may not have been saved; " +
          "reload the page to see the current map.");
  });
  document.addEventListener("htmx:sendError", function () {
    flash("argmap cannot be reached. Check the connection; your change was not sent.");
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful) {
      const box = document.getElementById("flash");
      if (box && !box.hidden && event.detail.elt && event.detail.elt.id === "poller") {
        box.hidden = true;
      }
    }
  });

  // static/motion.js puts its own drawing where the server's was: pan and zoom let go of it.
  document.addEventListener("argmap:diagram-taken", function () {
    if (panZoom) { panZoom.api.destroy(); panZoom = null; }
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.body.addEventListener("map-changed", refresh);
    initDiagram();
    initDrawer();
  });
  window.addEventListener("resize", function () {
    if (panZoom) { panZoom.api.resize(); }
  });
})();
