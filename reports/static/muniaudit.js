/* muniaudit report: progressive enhancement only (the pages work without it). Sorting and filtering tables. */
(function () {
  "use strict";
  var fold = function (s) { return (s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); };

  function cellValue(row, col, type) {
    var cell = row.cells[col];
    var raw = cell.hasAttribute("data-v") ? cell.getAttribute("data-v") : cell.textContent;
    return type === "num" ? parseFloat(raw) : fold(raw.trim());
  }

  function makeSortable(table) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      var button = th.querySelector("button");
      if (!button) { return; }
      button.addEventListener("click", function () {
        var type = button.getAttribute("data-type");
        var current = th.getAttribute("aria-sort");
        // Numbers other than the rank start high-to-low; a second click reverses.
        var dir = current ? (current === "ascending" ? "descending" : "ascending") : (type === "num" && col > 0 ? "descending" : "ascending");
        var sign = dir === "ascending" ? 1 : -1;
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var keyed = rows.map(function (r, i) { return { r: r, v: cellValue(r, col, type), i: i }; });
        keyed.sort(function (a, b) {
          if (a.v < b.v) { return -sign; }
          if (a.v > b.v) { return sign; }
          return a.i - b.i;
        });
        var frag = document.createDocumentFragment();
        keyed.forEach(function (k) { frag.appendChild(k.r); });
        body.appendChild(frag);
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", dir);
      });
    });
  }

  function connectFilters(form, table) {
    var controls = form.querySelectorAll("[data-filter]");
    var section = table.closest("section");
    var count = section && section.querySelector("[data-count]");
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    // The name cell also holds the state and the pending causes: search the name only.
    var names = rows.map(function (r) { var a = r.cells[1].querySelector("a"); return fold((a || r.cells[1]).textContent); });
    function apply() {
      var f = {};
      Array.prototype.forEach.call(controls, function (c) { f[c.getAttribute("data-filter")] = c.value; });
      var q = fold(f.q || "").trim();
      var shown = 0;
      rows.forEach(function (r, i) {
        var ok = (!f.state || r.getAttribute("data-state") === f.state) &&
                 (!f.pop || r.getAttribute("data-pop") === f.pop) &&
                 (!f.band || r.getAttribute("data-band") === f.band) &&
                 (!q || names[i].indexOf(q) !== -1);
        r.hidden = !ok;
        if (ok) { shown += 1; }
      });
      if (count) { count.textContent = "(" + shown + " / " + rows.length + ")"; }
    }
    Array.prototype.forEach.call(controls, function (c) { c.addEventListener("input", apply); c.addEventListener("change", apply); });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    form.hidden = false;
    apply();
  }

  document.documentElement.classList.add("js");
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("table[data-sortable]"), function (table) {
      makeSortable(table);
      var section = table.closest("section");
      var form = section && section.querySelector("form[data-filters]");
      if (form) { connectFilters(form, table); }
    });
  });
}());
