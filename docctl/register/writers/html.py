"""The register as one self-contained HTML page: its style and script inline, nothing fetched.

The page sorts by any column, filters by text, status and type (kept in the URL's fragment), and
prints on A4 landscape with "Uncontrolled when printed" and page numbers.
"""

from __future__ import annotations

import html

from docctl.register.model import COLUMNS, FINAL, IN_PROGRESS, STATUSES, UNCONTROLLED, Register, Row, short_fingerprint

_CSS = """\
:root { --fg: #1d2530; --muted: #5b6675; --line: #d6dbe1; --head: #eef1f5; }
* { box-sizing: border-box; }
body { font: 13px/1.35 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: var(--fg); margin: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; }
.meta { color: var(--muted); margin: 0 0 16px; }
.controls { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; margin-bottom: 12px; }
.controls input, .controls select { font: inherit; padding: 4px 8px; border: 1px solid var(--line); border-radius: 4px; }
.controls input { width: 22em; }
#count { color: var(--muted); }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
thead th { background: var(--head); position: sticky; top: 0; }
th button { all: unset; cursor: pointer; font-weight: 600; }
th button:focus-visible { outline: 2px solid #2563eb; }
th button::after { content: " \\2195"; color: #9aa3ad; font-weight: normal; }
th[aria-sort=ascending] button::after { content: " \\25B2"; color: var(--fg); }
th[aria-sort=descending] button::after { content: " \\25BC"; color: var(--fg); }
tbody tr:hover { background: #f7f9fb; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; white-space: nowrap; }
.s-effective { background: #d9f2e0; color: #125c2b; }
.s-draft { background: #e8eaed; color: #3c4350; }
.s-review { background: #fff1c2; color: #6b4e00; }
.s-approved { background: #d8e8ff; color: #123e7a; }
.s-scheduled { background: #e6e0ff; color: #3d2a8a; }
.s-superseded { background: #ffe1d6; color: #7a2a0e; }
.s-obsolete { background: #f8d7da; color: #7a1220; }
tr.st-superseded td, tr.st-obsolete td { color: #6b7280; }
.fp, code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 11px; }
td.approvers > span { display: block; }
td.approvers { min-width: 15em; }
td.title { min-width: 9em; }
td.path { min-width: 13em; }
td.clauses { min-width: 8em; }
td.pending .badge { white-space: normal; border-radius: 6px; }
.nowrap { white-space: nowrap; }
.empty { color: var(--muted); }
.print-only { display: none; }
@media print {
  @page { size: A4 landscape; margin: 12mm 10mm 14mm;
          @bottom-left { content: "%(footer)s"; font: 8pt sans-serif; color: #333; }
          @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 8pt sans-serif; color: #333; } }
  body { margin: 0; font-size: 8pt; }
  h1 { font-size: 13pt; }
  .controls { display: none; }
  .print-only { display: block; }
  th button::after { content: none; }
  td.approvers { min-width: 13em; }
  td.path, td.clauses { min-width: 0; }
  .fp, code { font-size: 6.5pt; }
  .uncontrolled { font-weight: 700; text-transform: uppercase; letter-spacing: .05em; border: 1px solid #333;
                  padding: 2px 6px; display: inline-block; margin: 0 0 6px; }
  th, td { padding: 2px 4px; }
  thead th { position: static; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  .badge { font-size: 7pt; padding: 0 4px; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""

_JS = """\
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
"""


def _css_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def render(register: Register) -> bytes:
    esc = html.escape
    commit = register.commit[:12] if register.commit else "working copy"
    footer = _css_string(f"{UNCONTROLLED} \u00b7 {register.title} \u00b7 {register.source}")
    options = "".join(f'<option value="{s}">{s}</option>' for s in (*IN_PROGRESS, "effective", *FINAL))
    types = sorted({row.type for row in register.rows if row.type})
    type_options = "".join(f'<option value="{esc(t)}">{esc(t)}</option>' for t in types)
    sort = ' aria-sort="ascending"'
    heads = "".join(
        f'<th scope="col"{sort if key == "id" else ""}><button type="button">{esc(name)}</button></th>'
        for key, name in COLUMNS
    )
    css = _CSS.replace("%(footer)s", footer)
    commit_meta = esc(register.commit or "")
    body = "\n".join(_table_row(row) for row in register.rows)
    if not register.rows:
        body = f'<tr><td class="empty" colspan="{len(COLUMNS)}">No documents.</td></tr>'
    selection = f" \u00b7 {esc(register.selection)}" if register.statuses or register.types else ""
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="docctl">
<meta name="docctl-commit" content="{commit_meta}">
<title>{esc(register.title)}</title>
<style>
{css}</style>
</head>
<body>
<header>
<p class="print-only uncontrolled">{UNCONTROLLED}</p>
<h1>{esc(register.title)}</h1>
<p class="meta">{esc(register.source)} \u00b7 {len(register.rows)} documents{selection}</p>
<p class="print-only">{UNCONTROLLED}: verify the current revision in the repository (commit <code>{esc(commit)}</code>) before use.</p>
</header>
<div class="controls" role="search">
<input id="filter" type="search" placeholder="Filter: id, title, owner, clause…" aria-label="Filter the register">
<select id="status" aria-label="Status"><option value="">All statuses</option>{options}</select>
<select id="type" aria-label="Type"><option value="">All types</option>{type_options}</select>
<span id="count" aria-live="polite">{len(register.rows)} of {len(register.rows)} documents</span>
</div>
<table id="register">
<thead><tr>{heads}</tr></thead>
<tbody>
{body}
</tbody>
</table>
<script>
{_JS}</script>
</body>
</html>
"""
    return page.encode("utf-8")


def _badge(status: str, label: str) -> str:
    return f'<span class="badge s-{html.escape(status)}">{html.escape(label)}</span>'


def _table_row(row: Row) -> str:
    esc = html.escape
    cells = row.cells()
    parts: list[str] = []
    for (key, _), text in zip(COLUMNS, cells, strict=True):
        if key == "status":
            parts.append(
                f'<td data-sort="{STATUSES.index(row.status) if row.status in STATUSES else 9}">{_badge(row.status, text)}</td>'
            )
        elif key == "pending":
            parts.append(f'<td class="pending">{_badge(row.pending.status, text) if row.pending else ""}</td>')
        elif key == "approvers":
            parts.append(
                '<td class="approvers">' + "".join(f"<span>{esc(a.label)}</span>" for a in row.approvers) + "</td>"
            )
        elif key == "fingerprint" and row.fingerprint:
            parts.append(
                f'<td class="fp" title="{esc(row.fingerprint)}">{esc(short_fingerprint(row.fingerprint))}</td>'
            )
        elif key in ("id", "effective", "review_due", "revision"):
            parts.append(f'<td class="nowrap">{esc(text)}</td>')
        elif key == "path":
            parts.append(
                '<td class="path"><code>' + "/<wbr>".join(esc(part) for part in text.split("/")) + "</code></td>"
            )
        elif key in ("title", "clauses"):
            parts.append(f'<td class="{key}">{esc(text)}</td>')
        else:
            parts.append(f"<td>{esc(text)}</td>")
    status = esc(row.status)
    return f'<tr class="st-{status}" data-status="{status}" data-type="{esc(row.type)}">' + "".join(parts) + "</tr>"
