// argmap's moving diagram: after a change the map page's diagram moves to its new layout
// instead of being replaced, and what others changed since this browser last looked is marked
// for a while. Graphviz runs in the browser (d3-graphviz, as WebAssembly) on the DOT the
// server draws its own SVG from (/maps/<slug>/view.dot); without JavaScript or WebAssembly the
// server's SVG stays, with app.js's pan and zoom, as before.
(function () {
  "use strict";

  const here = document.currentScript.src;
  const vendor = new URL("vendor/", here).href;
  const FADE_MS = 20000; // how long a change by someone else stays marked
  const MOVE_MS = 900;
  const MOVING_NODES = 150; // above this many boxes the diagram does not move (see takeOver)
  const SEEN = "argmap:seen:"; // + slug: the newest change this browser has seen
  const WORDS = { added: "new", edited: "edited" };

  let ready = null; // d3-graphviz loaded and its WebAssembly started
  let stage = null; // the <div> whose <svg> d3-graphviz draws; moved into each new view
  let graph = null; // its d3-graphviz instance
  let kept = null; // the stage, taken out of a view being replaced
  let busy = false; // a layout or a move under way
  let again = false; // another change came meanwhile
  const marks = new Map(); // node key -> { word, until }

  function script(src) {
    return new Promise(function (resolve, reject) {
      const tag = document.createElement("script");
      tag.src = src;
      tag.onload = resolve;
      tag.onerror = reject;
      document.head.appendChild(tag);
    });
  }

  function start() {
    if (!ready) {
      ready = (typeof WebAssembly === "object"
        ? script(vendor + "d3.min.js").then(function () {
          return script(vendor + "d3-graphviz.min.js");
        })
        : Promise.reject(new Error("no WebAssembly")));
    }
    return ready;
  }

  function serverSvg(diagram) {
    return diagram && diagram.querySelector(":scope > svg");
  }

  // The DOT as the server has it now; the browser's cache revalidates it (304) by revision.
  function fetchDot(diagram) {
    return fetch(diagram.dataset.dot, { credentials: "same-origin", cache: "no-cache" })
      .then(function (reply) {
        if (!reply.ok) throw new Error("view.dot: " + reply.status);
        return reply.text();
      }).then(forLayout);
  }

  // Graphviz in WebAssembly has no fonts: it sizes text from metric tables, and for a font it
  // does not know (ours) it takes Times, narrower than ours, so labels would overrun their
  // boxes. Laid out as Courier (0.6 em a character, as wide as our sans), the boxes fit; the
  // text is then drawn in the page's own font (app.css, .motion-stage text).
  function forLayout(dot) {
    return dot.replace(/fontname="[^"]*"/g, 'fontname="Courier"');
  }

  function makeGraph(div) {
    // Whenever d3-graphviz (re)writes a link's title, as it does through a move.
    new MutationObserver(nameLinks).observe(div, { subtree: true, childList: true,
                                                  attributeFilter: ["title"] });
    const box = div.parentNode.getBoundingClientRect();
    return window.d3.select(div).graphviz({
      useWorker: false, fit: false, zoom: true, zoomScaleExtent: [0.05, 25],
      width: Math.max(box.width, 100), height: Math.max(box.height, 100),
    }).onerror(function (message) { console.warn("argmap: layout failed:", message); });
  }

  // Ctrl/Cmd + wheel (or a pinch) zooms, as app.js does; a plain wheel is handled below.
  function tameZoom(instance) {
    const zoom = instance.zoomBehavior();
    if (!zoom || zoom.argmap) return;
    zoom.argmap = true;
    zoom.filter(function (event) {
      if (event.type === "wheel") return event.ctrlKey || event.metaKey;
      return !event.button && !event.ctrlKey;
    }).wheelDelta(function (event) {
      const dy = event.deltaY * (event.deltaMode === 1 ? 33 : event.deltaMode ? 400 : 1);
      return Math.min(Math.max(-dy, -100), 100) / 400 / Math.LN2; // at most x1.28 an event
    });
    instance.zoomSelection().on("dblclick.zoom", null);
    // In the full-window workspace the page does not scroll, so a plain wheel moves the
    // drawing (as app.js does for the server's SVG); elsewhere it scrolls the page.
    const selection = instance.zoomSelection();
    selection.on("wheel.argmap", function (event) {
      if (event.ctrlKey || event.metaKey) return;
      if (getComputedStyle(document.body).overflowY !== "hidden") return;
      event.preventDefault();
      const lines = event.deltaMode === 1 ? 16 : 1;
      const k = window.d3.zoomTransform(this).k;
      zoom.translateBy(selection, -event.deltaX * lines / k, -event.deltaY * lines / k);
    }, { passive: false });
  }

  // Sets the zoom so that the drawing sits on screen where `ctm` (a graph's screen matrix,
  // as svg-pan-zoom left it) put the server's.
  function matchView(ctm) {
    const svg = stage.querySelector("svg");
    const base = svg.getScreenCTM();
    if (!ctm || !base) return;
    const d3 = window.d3;
    const t = d3.zoomIdentity.translate((ctm.e - base.e) / base.a, (ctm.f - base.f) / base.d)
      .scale(ctm.a / base.a);
    graph.zoomSelection().call(graph.zoomBehavior().transform, t);
  }

  // First drawing in a view: laid out off screen, then put where the server's SVG was.
  function takeOver(diagram) {
    Promise.all([start(), fetchDot(diagram)]).then(function (done) {
      if (!document.contains(diagram) || !serverSvg(diagram)) return;
      // A big drawing is laid out and animated too slowly in the browser on a modest
      // machine: it stays the server's, which is replaced on a change as before.
      if ((done[1].match(/\bid="n-/g) || []).length > MOVING_NODES) return;
      const div = document.createElement("div");
      div.className = "motion-stage motion-hidden";
      div.setAttribute("aria-hidden", "true"); // not there for anyone until it takes over
      div.inert = true;
      diagram.appendChild(div);
      const instance = makeGraph(div);
      busy = true;
      instance.renderDot(done[1], function () {
        busy = false;
        const old = serverSvg(diagram);
        if (!document.contains(diagram) || !old) { div.remove(); return; }
        const frame = old.querySelector("g.graph");
        const ctm = frame && frame.getScreenCTM();
        // The node the reader sees first (the open one, else the thesis) stays where the
        // server's drawing had it: this layout's boxes differ a little from the server's.
        const open = document.getElementById("node-detail");
        const key = open && open.dataset.key;
        const first = (key && old.querySelector("#n-" + CSS.escape(key))) ||
          old.querySelector("g.node.thesis");
        const was = first && first.getBoundingClientRect();
        const anchor = was && { id: first.id, x: was.left + was.width / 2, y: was.top + was.height / 2 };
        document.dispatchEvent(new CustomEvent("argmap:diagram-taken"));
        old.remove();
        div.classList.remove("motion-hidden");
        div.removeAttribute("aria-hidden");
        div.inert = false;
        stage = div;
        graph = instance;
        tameZoom(instance);
        matchView(ctm);
        diagram.dataset.motion = "on";
        showZoomTools();
        decorate();
        if (again) { again = false; move(current(diagram)); } else keepInView(anchor, true);
      });
    }).catch(function (error) { console.warn("argmap: the diagram stays still:", error); });
  }

  // A change: the kept drawing takes the new view's place and moves to the new layout. The
  // node <g> elements are the same elements, moved; zoom and pan are the svg's own, kept.
  // The view may have been replaced while a move ran: the next move is to the newest view's
  // DOT (its address carries the focus and collapsed nodes), not the one asked for first.
  function current(diagram) {
    const now = document.getElementById("diagram");
    return now && now.dataset.dot ? now : diagram;
  }

  function move(diagram) {
    if (busy) { again = true; return; }
    busy = true;
    fetchDot(diagram).then(function (dot) {
      if (!graph || !stage) { busy = false; return; } // the view was left meanwhile
      const anchor = anchorOf(diagram);
      graph.transition(function () {
        return window.d3.transition("argmap-move").duration(reducedMotion() ? 0 : MOVE_MS);
      }).renderDot(dot, function () {
        busy = false;
        if (!graph) return;
        tameZoom(graph);
        decorate();
        if (again) { again = false; move(current(diagram)); return; }
        keepInView(anchor);
      });
    }).catch(function (error) {
      busy = false;
      still();
      console.warn("argmap: could not move the diagram:", error);
    });
  }

  // The node the reader is looking at: the open one, else the one nearest the middle of
  // what shows of the diagram in the window.
  function anchorOf(diagram) {
    const frame = diagram.getBoundingClientRect();
    const top = Math.max(frame.top, 0);
    const bottom = Math.min(frame.bottom, window.innerHeight);
    const mid = { x: frame.left + frame.width / 2,
                  y: bottom > top ? (top + bottom) / 2 : frame.top + frame.height / 2 };
    const open = document.getElementById("node-detail");
    let best = open && open.dataset.key && document.getElementById("n-" + open.dataset.key);
    let far = Infinity;
    if (!best || !stage.contains(best)) {
      best = null;
      stage.querySelectorAll("g.node").forEach(function (node) {
        const box = node.getBoundingClientRect();
        const d = Math.hypot(box.left + box.width / 2 - mid.x, box.top + box.height / 2 - mid.y);
        if (d < far) { far = d; best = node; }
      });
    }
    if (!best) return null;
    const box = best.getBoundingClientRect();
    return { id: best.id, x: box.left + box.width / 2, y: box.top + box.height / 2 };
  }

  // After the move the view glides so that node is where it was on screen; zoom stays. A node
  // just opened that the move left outside the frame (one just added) is brought in instead.
  function keepInView(anchor, instant) {
    if (!graph || !stage) { still(); return; }
    const open = document.getElementById("node-detail");
    const mine = open && open.dataset.key && document.getElementById("n-" + open.dataset.key);
    const frame = stage.getBoundingClientRect();
    if (mine && stage.contains(mine)) {
      const b = mine.getBoundingClientRect();
      if (b.top < frame.top || b.bottom > frame.bottom || b.left < frame.left ||
          b.right > frame.right) {
        anchor = { id: mine.id, x: frame.left + frame.width / 2,
                   y: frame.top + frame.height / 3 };
      }
    }
    const node = anchor && document.getElementById(anchor.id);
    if (!node || !stage.contains(node)) { still(); return; }
    const box = node.getBoundingClientRect();
    const scale = stage.querySelector("g.graph").getScreenCTM().a;
    const dx = (anchor.x - box.left - box.width / 2) / scale;
    const dy = (anchor.y - box.top - box.height / 2) / scale;
    if (Math.abs(dx) + Math.abs(dy) < 0.5) { still(); return; }
    gliding = true;
    graph.zoomSelection().transition("argmap-glide").duration(reducedMotion() || instant ? 0 : 400)
      .call(graph.zoomBehavior().translateBy, dx, dy)
      .on("end interrupt", function () { gliding = false; still(); });
  }

  // For app.js's argmapPanZoom (used by quickadd.js and finder.js): pan the moving drawing
  // by screen pixels, and whether it is moving (a measurement then would be stale).
  window.argmapMotionView = function () {
    if (!graph || !stage || !document.contains(stage)) return null;
    return {
      moving: function () { return busy || gliding; },
      panBy: function (delta) {
        if (!graph || !stage) return;
        const scale = stage.querySelector("g.graph").getScreenCTM().a;
        graph.zoomSelection().call(graph.zoomBehavior().translateBy,
                                   delta.x / scale, delta.y / scale);
      },
    };
  };

  // Zoom buttons pressed during a move act after it, or the move would undo them.
  let gliding = false;
  const waiting = [];
  function whenStill(action) {
    if (busy || gliding) waiting.push(action); else action();
  }
  function still() {
    if (busy || gliding) return;
    while (waiting.length) waiting.shift()();
  }

  function showZoomTools() {
    document.querySelectorAll(".zoom-tools").forEach(function (el) { el.hidden = false; });
  }

  function reducedMotion() {
    return window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    const target = event.detail.target;
    if (target && target.id === "view" && stage && target.contains(stage)) {
      const path = event.detail.requestConfig && event.detail.requestConfig.path;
      kept = path && path.indexOf("view=") >= 0 ? null : stage; // another view: start anew
      if (!kept) { stage = null; graph = null; }
    }
  });

  document.addEventListener("htmx:afterSwap", function () {
    const diagram = document.getElementById("diagram");
    const fresh = serverSvg(diagram);
    if (!diagram || !fresh) { if (!diagram) { kept = null; stage = null; } return; }
    if (kept && diagram.dataset.dot) {
      // Before the page is painted: the old drawing stays on screen until it moves.
      fresh.replaceWith(kept);
      stage = kept;
      kept = null;
      diagram.dataset.motion = "on";
      showZoomTools();
      move(diagram);
    } else if (diagram.dataset.dot && !diagram.dataset.motion) {
      takeOver(diagram);
    }
  });

  // --- What others changed: marked in the diagram and the outline for FADE_MS. ---

  function slug() {
    const found = location.pathname.match(/^\/maps\/([^/]+)/);
    return found ? found[1] : null;
  }

  function remember(latest) {
    try { localStorage.setItem(SEEN + slug(), String(latest)); } catch (e) { /* private */ }
  }

  function seen() {
    try { return localStorage.getItem(SEEN + slug()); } catch (e) { return null; }
  }

  function readNews(box) {
    const until = Date.now() + FADE_MS;
    ["added", "edited"].forEach(function (word) {
      (box.dataset[word] || "").split(" ").filter(Boolean).forEach(function (key) {
        marks.set(key, { word: WORDS[word], until: until });
      });
    });
    if (box.dataset.latest) remember(box.dataset.latest);
    decorate();
    window.setTimeout(decorate, FADE_MS + 50);
  }

  function badge(node, word) {
    const svgNS = "http://www.w3.org/2000/svg";
    const shape = node.querySelector("polygon, path, ellipse");
    if (!shape) return;
    const box = shape.getBBox();
    const g = document.createElementNS(svgNS, "g");
    g.setAttribute("class", "change-badge");
    const text = document.createElementNS(svgNS, "text");
    text.textContent = "\u2605 " + word; // a star and a word: not colour alone
    text.setAttribute("x", String(box.x + 6));
    text.setAttribute("y", String(box.y - 4));
    const back = document.createElementNS(svgNS, "rect");
    g.appendChild(back);
    g.appendChild(text);
    node.appendChild(g);
    const size = text.getBBox();
    back.setAttribute("x", String(size.x - 3));
    back.setAttribute("y", String(size.y - 1));
    back.setAttribute("width", String(size.width + 6));
    back.setAttribute("height", String(size.height + 2));
    back.setAttribute("rx", "3");
  }

  const XLINK = "http://www.w3.org/1999/xlink";

  // d3-graphviz writes xlink:title as a plain title; the server's SVG names its links by it.
  function nameLinks() {
    document.querySelectorAll(".motion-stage a[title]").forEach(function (a) {
      a.setAttributeNS(XLINK, "xlink:title", a.getAttribute("title"));
      a.removeAttribute("title");
    });
  }

  function decorate() {
    nameLinks();
    const now = Date.now();
    marks.forEach(function (mark, key) { if (mark.until <= now) marks.delete(key); });
    document.querySelectorAll(".change-badge, .changed-tag").forEach(function (el) {
      el.remove();
    });
    document.querySelectorAll("#diagram g.node.changed, .outline .node-link.changed")
      .forEach(function (el) { el.classList.remove("changed"); });
    marks.forEach(function (mark, key) {
      const node = document.querySelector("#diagram g.node#n-" + CSS.escape(key));
      if (node) {
        node.classList.add("changed");
        badge(node, mark.word);
      }
      const link = document.getElementById("o-" + key);
      if (link) {
        link.classList.add("changed");
        const tag = document.createElement("span");
        tag.className = "changed-tag";
        tag.textContent = "\u2605 " + mark.word;
        link.prepend(tag);
      }
    });
    markSelected();
  }

  // d3-graphviz writes each node's class afresh; app.js's "selected" goes back on.
  function markSelected() {
    const detail = document.getElementById("node-detail");
    const key = detail ? detail.dataset.key : "";
    const node = key && stage && document.getElementById("n-" + key);
    if (node && stage.contains(node)) node.classList.add("selected");
  }

  // The live line is swapped in by the poller's answer (out of band) or by the load below.
  let news = null;
  function newsArrived() {
    const box = document.getElementById("live-news");
    if (box && box !== news) { news = box; readNews(box); }
  }
  document.addEventListener("htmx:afterSwap", newsArrived);
  document.addEventListener("htmx:oobAfterSwap", newsArrived);
  document.addEventListener("htmx:afterSettle", function () { newsArrived(); decorate(); });

  document.addEventListener("click", function (event) {
    const button = event.target.closest && event.target.closest("[data-zoom]");
    if (!button || !graph || !stage || !document.contains(stage)) return;
    const kind = button.dataset.zoom;
    whenStill(function () {
      if (!graph) return;
      const zoom = graph.zoomBehavior();
      const svg = graph.zoomSelection();
      if (kind === "in") svg.call(zoom.scaleBy, 1.25);
      else if (kind === "out") svg.call(zoom.scaleBy, 0.8);
      else fit(svg, zoom);
    });
  });

  function fit(svg, zoom) {
    const frame = svg.node().viewBox.baseVal;
    const box = svg.node().querySelector("g.graph").getBBox();
    const k = Math.min(frame.width / box.width, frame.height / box.height) * 0.96;
    svg.call(zoom.transform, window.d3.zoomIdentity
      .translate(frame.width / 2, frame.height / 2).scale(k)
      .translate(-(box.x + box.width / 2), -(box.y + box.height / 2)));
  }

  document.addEventListener("DOMContentLoaded", function () {
    const box = document.getElementById("live-news");
    news = box;
    if (box && slug()) {
      const before = seen();
      if (before !== null && Number(before) < Number(box.dataset.latest) && window.htmx) {
        window.htmx.ajax("GET", box.dataset.changes + "?since=" + encodeURIComponent(before),
                         { target: box, swap: "outerHTML" });
      } else {
        remember(box.dataset.latest);
      }
    }
    const diagram = document.getElementById("diagram");
    if (diagram && diagram.dataset.dot && serverSvg(diagram)) takeOver(diagram);
  });
})();
