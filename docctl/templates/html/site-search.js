/* The portal's search: every document's words are in search-index.js (window.DOCCTL_SEARCH), loaded by
   a <script> tag, so that the search works from disk (file://) as from a web server. Nothing is fetched. */
(function () {
  "use strict";
  var docs = window.DOCCTL_SEARCH || [];
  var input = document.getElementById("query");
  var archive = document.getElementById("archive");
  var list = document.getElementById("results");
  var found = document.getElementById("found");
  var WORD = /[\p{L}\p{N}_]+(?:[.\-][\p{L}\p{N}_]+)*/gu;
  var LIMIT = 200;

  function terms(text) {
    return (text.toLowerCase().match(WORD) || []);
  }
  function score(doc, wanted) {
    var total = 0;
    var head = " " + terms(doc.id + " " + doc.title).join(" ") + " ";
    var body = " " + doc.words + " ";
    for (var i = 0; i < wanted.length; i += 1) {
      var term = " " + wanted[i];
      if (head.indexOf(term) >= 0) { total += 10; }
      else if (body.indexOf(term) >= 0) { total += 1; }
      else { return 0; }
    }
    return total;
  }
  function item(doc) {
    var li = document.createElement("li");
    var link = document.createElement("a");
    link.href = doc.href;
    link.textContent = doc.id + " " + doc.title;
    li.appendChild(link);
    var badge = document.createElement("span");
    badge.className = "badge s-" + doc.status;
    badge.textContent = doc.status;
    li.appendChild(document.createTextNode(" revision " + doc.revision + " "));
    li.appendChild(badge);
    var snippet = document.createElement("span");
    snippet.className = "snippet";
    snippet.textContent = doc.summary;
    li.appendChild(snippet);
    return li;
  }
  function search() {
    var wanted = terms(input.value);
    list.textContent = "";
    if (!wanted.length) {
      found.textContent = "Type a word to search " + docs.length + " documents.";
      return;
    }
    var hits = [];
    docs.forEach(function (doc) {
      if (doc.archived && !archive.checked) { return; }
      var value = score(doc, wanted);
      if (value) { hits.push([value, doc]); }
    });
    hits.sort(function (a, b) { return b[0] - a[0] || (a[1].id < b[1].id ? -1 : 1); });
    found.textContent = hits.length === 1 ? "1 document found" : hits.length + " documents found";
    if (hits.length > LIMIT) { found.textContent += ", the first " + LIMIT + " shown"; }
    hits.slice(0, LIMIT).forEach(function (hit) { list.appendChild(item(hit[1])); });
  }
  function remember() {
    var params = new URLSearchParams();
    if (input.value) { params.set("q", input.value); }
    if (archive.checked) { params.set("archive", "1"); }
    var query = params.toString();
    try { history.replaceState(null, "", query ? "?" + query : location.pathname); } catch (e) { /* file: URLs in some browsers */ }
  }
  var params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  archive.checked = params.get("archive") === "1";
  input.addEventListener("input", function () { search(); remember(); });
  archive.addEventListener("change", function () { search(); remember(); });
  search();
}());
