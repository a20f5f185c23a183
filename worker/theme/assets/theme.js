/* The embedded docs theme's script, published as /_bengal/theme.js:
   the navigation toggle and the top bar's search box over index.json. */
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
