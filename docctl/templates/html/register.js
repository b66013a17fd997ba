/* The register page: sort by any column, filter by text, status and type (kept in the URL's fragment). */
(function () {
  "use strict";
  var table = document.getElementById("register");
  var body = table.tBodies[0];
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var rows = Array.prototype.slice.call(body.rows);
  var text = document.getElementById("filter");
  var status = document.getElementById("status");
  var type = document.getElementById("type");
  var count = document.getElementById("count");
  var collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });
  function apply() {
    var needle = text.value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (row) {
      var ok = (!needle || row.textContent.toLowerCase().indexOf(needle) >= 0) &&
        (!status.value || row.getAttribute("data-status") === status.value) &&
        (!type.value || row.getAttribute("data-type") === type.value);
      row.hidden = !ok;
      if (ok) { shown += 1; }
    });
    count.textContent = shown + " of " + rows.length + " documents";
  }
  function fromHash() {
    var params = new URLSearchParams(location.hash.replace(/^#/, ""));
    text.value = params.get("filter") || "";
    status.value = params.get("status") || "";
    type.value = params.get("type") || "";
    apply();
  }
  function toHash() {
    var params = new URLSearchParams();
    if (text.value) { params.set("filter", text.value); }
    if (status.value) { params.set("status", status.value); }
    if (type.value) { params.set("type", type.value); }
    var hash = params.toString();
    try { history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search); } catch (e) { /* file: URLs in some browsers */ }
  }
  function key(row, index) {
    var cell = row.cells[index];
    return cell.getAttribute("data-sort") || cell.textContent.trim();
  }
  heads.forEach(function (th, index) {
    th.querySelector("button").addEventListener("click", function () {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      heads.forEach(function (other) { other.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      rows.sort(function (a, b) {
        var x = key(a, index), y = key(b, index);
        if (!x !== !y) { return x ? -1 : 1; }
        var order = collator.compare(x, y) || collator.compare(key(a, 0), key(b, 0));
        return ascending ? order : -order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
  [text, status, type].forEach(function (control) {
    control.addEventListener("input", function () { apply(); toHash(); });
  });
  window.addEventListener("hashchange", fromHash);
  fromHash();
}());
