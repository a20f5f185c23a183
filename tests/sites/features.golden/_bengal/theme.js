/* The embedded docs theme's script, published as /_bengal/theme.js:
   the colour scheme toggle, the navigation toggle, the top bar's search box over index.json, the
   search page's results (search.html), the not-found page's search
   link (404.html), the synchronised tabs and the copy button of code
   blocks.  Each part runs only where its elements are. */
/* The colour scheme toggle: three states, system (no data-theme on <html>:
   the CSS follows prefers-color-scheme), light and dark.  A click from
   system goes to the scheme the system does not show, so it always
   changes the page; the next to the system's own, now explicit; the next
   back to system.  The choice is stored for base.html's inline script,
   which applies it on the next pages before the stylesheet does. */
(function () {
  var root = document.documentElement, b = document.querySelector(".theme-toggle"),
      key = "bengal-theme", glyph = {system: "\u25d0", light: "\u2600", dark: "\u263e"};
  if (!b) return;
  function show() {
    var t = root.getAttribute("data-theme") || "system", label = "Colour scheme: " + t;
    b.setAttribute("aria-label", label); b.title = label;
    b.firstChild.textContent = glyph[t];
  }
  b.addEventListener("click", function () {
    var cur = root.getAttribute("data-theme"),
        sys = matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light",
        other = sys === "dark" ? "light" : "dark",
        next = !cur ? other : cur === other ? sys : null;
    if (next) root.setAttribute("data-theme", next);
    else root.removeAttribute("data-theme");
    try {
      if (next) localStorage.setItem(key, next);
      else localStorage.removeItem(key);
    } catch (err) { /* storage off: this page only */ }
    show();
  });
  show();
})();

(function () {
  var d = document;
  var btn = d.querySelector(".nav-toggle"), nav = d.getElementById("site-nav");
  if (btn && nav) btn.addEventListener("click", function () {
    var open = nav.classList.toggle("is-open");
    btn.setAttribute("aria-expanded", open ? "true" : "false");
  });
  var form = d.querySelector(".search"), input = d.getElementById("search-input"),
      out = d.getElementById("search-results"), index = null, loading = false;
  if (!form || !input || !out) return;
  function show() {
    var q = input.value.trim().toLowerCase();
    out.textContent = "";
    if (!q || !index) return;
    var n = 0;
    for (var i = 0; i < index.length && n < 12; i++) {
      var e = index[i], t = (e.title || "").toLowerCase();
      if (t.indexOf(q) < 0 && (e.description || "").toLowerCase().indexOf(q) < 0 &&
          (e.excerpt || "").toLowerCase().indexOf(q) < 0) continue;
      var li = d.createElement("li"), a = d.createElement("a"), s = d.createElement("small");
      a.href = e.url; a.textContent = e.title || e.url;
      s.textContent = e.section || ""; a.appendChild(s); li.appendChild(a); out.appendChild(li);
      n++;
    }
    if (!n) { var none = d.createElement("li"); none.textContent = "No results"; out.appendChild(none); }
  }
  input.addEventListener("input", function () {
    if (index || loading) return show();
    loading = true;
    fetch(form.getAttribute("data-index")).then(function (r) { return r.json(); })
      .then(function (j) { index = j; show(); }, function () { loading = false; });
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { input.value = ""; out.textContent = ""; }
  });
  /* ?q=word searches at once (the search page has its own results) */
  var q0 = new URLSearchParams(location.search).get("q");
  if (q0 && !d.getElementById("search-page")) {
    input.value = q0; input.dispatchEvent(new Event("input"));
  }
})();

/* The search page (search.html) */
(function () {
  var d = document, form = d.getElementById("search-page"),
      input = d.getElementById("search-page-input"),
      status = d.getElementById("search-page-status"),
      out = d.getElementById("search-page-results"), index = null;
  if (!form || !input) return;
  function text(e) {
    return [e.title, e.description, e.excerpt, (e.tags || []).join(" ")].join(" ").toLowerCase();
  }
  function show() {
    var q = input.value.trim(), words = q.toLowerCase().split(/\s+/).filter(Boolean);
    out.textContent = "";
    if (!words.length) { status.textContent = ""; return; }
    if (!index) { status.textContent = "Loading\u2026"; return; }
    var hits = [];
    for (var i = 0; i < index.length; i++) {
      var e = index[i], all = text(e), title = (e.title || "").toLowerCase(), score = 0;
      for (var k = 0; k < words.length && score >= 0; k++) {
        if (all.indexOf(words[k]) < 0) score = -1;
        else if (title.indexOf(words[k]) >= 0) score++;
      }
      if (score >= 0) hits.push({e: e, score: score, at: i});
    }
    hits.sort(function (a, b) { return b.score - a.score || a.at - b.at; });
    status.textContent = hits.length + (hits.length === 1 ? " result" : " results") +
                         " for \u201c" + q + "\u201d";
    for (var j = 0; j < hits.length && j < 50; j++) {
      var h = hits[j].e, li = d.createElement("li"), a = d.createElement("a"),
          meta = d.createElement("small"), p = d.createElement("p");
      a.href = h.url; a.textContent = h.title || h.url;
      meta.textContent = [h.section, (h.tags || []).join(", ")].filter(Boolean).join(" \u00b7 ");
      p.textContent = h.description || h.excerpt || "";
      li.appendChild(a); li.appendChild(meta); li.appendChild(p); out.appendChild(li);
    }
  }
  input.addEventListener("input", function () {
    var url = new URL(location.href);
    if (input.value.trim()) url.searchParams.set("q", input.value.trim());
    else url.searchParams.delete("q");
    history.replaceState(null, "", url);
    show();
  });
  form.addEventListener("submit", function (e) { e.preventDefault(); show(); });
  input.value = new URLSearchParams(location.search).get("q") || "";
  fetch(form.getAttribute("data-index")).then(function (r) { return r.json(); })
    .then(function (j) { index = j; show(); },
          function () { status.textContent = "The search index could not be loaded."; });
  input.focus();
})();

/* The not-found page (404.html) */
(function () {
  /* /docs/old-name/ -> search for "old name" */
  var a = document.getElementById("not-found-search");
  var words = location.pathname.split("/").filter(Boolean);
  var last = (words.pop() || "").replace(/\.html?$/, "").replace(/[-_]+/g, " ").trim();
  if (a && last && last !== "404") {
    a.href += "?q=" + encodeURIComponent(last);
    a.textContent = "Search for \u201c" + last + "\u201d";
  }
})();

/* Tabs (MyST tab-set, worker/md_directive.h): the radio buttons switch a
   tab-set without this.  Choosing a tab here chooses the tab of the same
   label (or :sync: key, the label's data-sync) in every tab-set of the
   page, keeps the chosen tab where it was on the screen while the sets
   above it change height, and is remembered for the next pages. */
(function () {
  var d = document, key = "bengal-tab";
  if (!d.querySelector(".tab-set")) return;
  function choose(sync) {
    var inputs = d.querySelectorAll(".tab-set > .tab-input");
    for (var i = 0; i < inputs.length; i++) {
      var label = inputs[i].nextElementSibling;
      if (label && label.getAttribute("data-sync") === sync) inputs[i].checked = true;
    }
  }
  d.addEventListener("change", function (e) {
    var t = e.target, label = t.nextElementSibling;
    if (!t.classList.contains("tab-input") || !label) return;
    var sync = label.getAttribute("data-sync"), top = label.getBoundingClientRect().top;
    if (!sync) return;
    choose(sync);
    window.scrollBy(0, label.getBoundingClientRect().top - top);
    try { localStorage.setItem(key, sync); } catch (err) { /* storage off: no memory */ }
  });
  var saved = null;
  try { saved = localStorage.getItem(key); } catch (err) { /* storage off */ }
  if (saved) choose(saved);
})();

/* A copy button on every code block: copies the code's text, which is the
   source as written (line numbers are CSS counters, not text). */
(function () {
  var d = document, pres = d.querySelectorAll("pre > code");
  function copy(text) {
    if (navigator.clipboard && window.isSecureContext)
      return navigator.clipboard.writeText(text);
    /* plain http: the old way, through a selection */
    var t = d.createElement("textarea");
    t.value = text; t.setAttribute("readonly", ""); t.style.position = "fixed";
    t.style.opacity = "0"; d.body.appendChild(t); t.select();
    var ok = d.execCommand("copy");
    d.body.removeChild(t);
    return ok ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }
  for (var i = 0; i < pres.length; i++) (function (code) {
    var pre = code.parentNode, wrap = d.createElement("div"), b = d.createElement("button");
    wrap.className = "code-wrap";
    pre.parentNode.insertBefore(wrap, pre);
    wrap.appendChild(pre);
    b.type = "button"; b.className = "copy-code"; b.textContent = "Copy";
    b.setAttribute("aria-label", "Copy the code");
    b.addEventListener("click", function () {
      copy(code.textContent).then(function () {
        b.textContent = "Copied"; b.classList.add("copied");
      }, function () { b.textContent = "Press Ctrl+C"; }).then(function () {
        setTimeout(function () { b.textContent = "Copy"; b.classList.remove("copied"); }, 1500);
      });
    });
    wrap.appendChild(b);
  })(pres[i]);
})();
