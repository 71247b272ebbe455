"""``cybercoop gaps --format html``: one self-contained page a reviewer opens in a browser.

No network and no external assets: the CSS and the small script are inline. The page has

* the coverage matrix as a heatmap (``table#heatmap``; rows ``#source-KEY``, column heads
  ``#section-ID``), with each source linked to its note and its .bib entry;
* the findings (``ol#findings-list``, one ``li.finding`` each, with ``data-kind`` and
  ``data-severity``), filterable by severity and kind. The filter state lives in the URL
  fragment (``#severity=error,warning&kind=missing-doi``), so a filtered view can be shared;
* links from each finding to the section or source it concerns and to the file to open;
* a print stylesheet: filters hidden, every finding shown, heatmap colours kept.

Everything from the inputs is HTML-escaped. The script records its own success in
``<html data-report-ready>`` and any script error in ``#script-errors`` (the browser test
reads both from the rendered DOM).
"""

from __future__ import annotations

import math
import re
from html import escape
from pathlib import PurePosixPath, PureWindowsPath
from urllib.parse import quote

from cybercoop_cli.analysis.coverage import Coverage
from cybercoop_cli.analysis.gaps import KIND_BY_ID, GapReport
from cybercoop_cli.model import Finding, Severity
from cybercoop_cli.render.gaps_terminal import SEVERITY_HEADING, summary_text

HEAT_LEVELS = 4
_UNSAFE_ID = re.compile(r"[^A-Za-z0-9_.-]")


def anchor(prefix: str, name: str) -> str:
    """An id safe in HTML and in a URL fragment, unique for each name."""
    return prefix + "-" + _UNSAFE_ID.sub(lambda m: f"_{ord(m.group(0)):x}_", name)


def heat_level(count: int, maximum: int) -> int:
    """0 for no claim, else 1..HEAT_LEVELS by the share of the largest cell."""
    if count <= 0 or maximum <= 0:
        return 0
    return max(1, min(HEAT_LEVELS, math.ceil(HEAT_LEVELS * count / maximum)))


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def file_href(path: str, root_href: str) -> str:
    """A link to an input file: relative paths are taken from the review's folder."""
    if PurePosixPath(path).is_absolute() or PureWindowsPath(path).is_absolute():
        return "file://" + quote(path.replace("\\", "/"))
    return root_href + quote(path.replace("\\", "/"))


def gaps_html(report: GapReport, *, root_href: str = "") -> str:
    """The report as one HTML document.

    ``root_href`` is prepended to file paths relative to the review's folder, so that
    links work from where the report is saved (``""`` when it sits in that folder,
    ``"../"`` one level below, or a ``file:///.../`` URL).
    """
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">",
        f"<title>Gaps: {_e(report.title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        '<ul id="script-errors" hidden></ul>',
        f"<script>{_ERROR_TRAP}</script>",
        "<header>",
        f"<h1>Gaps: {_e(report.title)}</h1>",
        f'<p class="summary" id="summary">'
        f"{_e(summary_text(report) if report.findings else 'No gaps found.')}</p>",
    ]
    if report.manuscript:
        parts.append(f'<p class="manuscript">Manuscript checked: {_e(report.manuscript)}</p>')
    parts.append("</header>")
    parts += _coverage(report.coverage, root_href)
    parts += _findings(report, root_href)
    parts += [f"<script>{_SCRIPT}</script>", "</body>", "</html>"]
    return "\n".join(parts) + "\n"


def _coverage(coverage: Coverage, root_href: str) -> list[str]:
    maximum = coverage.max_count
    out = [
        '<section id="coverage">',
        "<h2>Coverage</h2>",
        '<p class="hint">Claims recorded in the notes, per source and section. '
        "Darker cells carry more claims; an empty column is a section without evidence.</p>",
        '<div class="scroll"><table id="heatmap" class="heatmap">',
        '<thead><tr><th scope="col">Source</th>',
    ]
    for section in coverage.sections:
        thin = " thin" if section.needs_support and len(section.sources) <= 1 else ""
        empty = " empty" if section.needs_support and not section.sources else ""
        out.append(
            f'<th scope="col" id="{anchor("section", section.id)}" class="section{thin}{empty}"'
            f' title="{_e(section.title)}"><span class="id">{_e(section.id)}</span>'
            f'<span class="title">{_e(section.title)}</span></th>'
        )
    out.append('<th scope="col">untagged</th><th scope="col">total</th></tr></thead>')
    out.append("<tbody>")
    for row in coverage.sources:
        links = []
        if row.note_file:
            links.append(f'<a href="{_e(file_href(row.note_file, root_href))}">note</a>')
        if row.file:
            where = f"{row.file}:{row.line}" if row.line else row.file
            links.append(
                f'<a href="{_e(file_href(row.file, root_href))}" title="{_e(where)}">entry</a>'
            )
        flag = ""
        if not row.in_bibliography:
            flag = ' <span class="flag">not in bibliography</span>'
        elif not row.has_note:
            flag = ' <span class="flag">no note</span>'
        out.append(
            f'<tr id="{anchor("source", row.key)}"><th scope="row">'
            f'<span class="label">{_e(row.label)}</span>{flag}'
            f'<span class="key">{_e(row.key)}</span>'
            f'<span class="links">{" · ".join(links)}</span></th>'
        )
        for section, count in zip(coverage.sections, row.counts, strict=True):
            level = heat_level(count, maximum)
            bare = " bare" if section.needs_support and not section.sources else ""
            out.append(
                f'<td class="heat heat-{level}{bare}" data-count="{count}" '
                f'title="{_e(row.key)} × {_e(section.id)}: {count} claim(s)">'
                f"{count if count else ''}</td>"
            )
        out.append(f'<td class="untagged">{row.untagged or ""}</td><td>{row.claims}</td></tr>')
    out.append("</tbody>")
    out.append('<tfoot><tr><th scope="row">sources</th>')
    for section in coverage.sections:
        count = len(section.sources)
        cls = "empty" if section.needs_support and count == 0 else ""
        cls = cls or ("thin" if section.needs_support and count == 1 else "")
        out.append(f'<td class="{cls}">{count}</td>')
    out.append("<td></td><td></td></tr></tfoot></table></div>")
    out.append('<ul class="balance">')
    for facet in coverage.facets:
        cls = ' class="empty"' if not facet.claims else ""
        out.append(
            f"<li{cls}>Facet <strong>{_e(facet.id)}</strong> ({_e(facet.question)}): "
            f"{facet.claims} claims from {len(facet.sources)} sources</li>"
        )
    age = coverage.age
    if age.median_age is not None:
        out.append(
            f"<li>Age: median {age.median_age:g} years (counted to {age.reference_year}); "
            f"{len(age.old)} of {age.dated} sources older than {age.threshold} years "
            f"({(age.old_share or 0.0):.0%})</li>"
        )
    conc = coverage.concentration
    if conc.top_source is not None and conc.share is not None:
        out.append(
            f"<li>Concentration: {conc.share:.0%} of {conc.total_claims} claims rest on the "
            f'most-used source, <a href="#{anchor("source", conc.top_source)}">'
            f"{_e(conc.top_source)}</a></li>"
        )
    out += ["</ul>", "</section>"]
    return out


def _findings(report: GapReport, root_href: str) -> list[str]:
    kinds = sorted({f.kind for f in report.findings}, key=list(KIND_BY_ID).index)
    out = ['<section id="findings">', f"<h2>Findings ({len(report.findings)})</h2>"]
    out.append('<form id="filters" class="no-print" autocomplete="off"><fieldset>')
    out.append("<legend>Show</legend>")
    for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO):
        count = report.counts.get(severity.value, 0)
        out.append(
            f'<label class="sev-{severity.value}"><input type="checkbox" name="severity" '
            f'value="{severity.value}" checked> {SEVERITY_HEADING[severity].lower()} '
            f"({count})</label>"
        )
    out.append('<label>kind <select name="kind" id="kind-filter">')
    out.append('<option value="">all kinds</option>')
    for kind in kinds:
        n = sum(1 for f in report.findings if f.kind == kind)
        out.append(f'<option value="{_e(kind)}">{_e(kind)} ({n})</option>')
    out.append("</select></label>")
    out.append('<output id="shown-count" aria-live="polite"></output>')
    out.append("</fieldset></form>")
    if not report.findings:
        out.append('<p class="none">No gaps found.</p>')
    out.append('<ol id="findings-list">')
    for number, finding in enumerate(report.findings, start=1):
        out.append(_finding_item(number, finding, root_href))
    out.append("</ol>")
    if kinds:
        out.append('<h3>Finding kinds in this report</h3><dl class="kinds">')
        for kind in kinds:
            out.append(
                f'<dt id="{anchor("kind", kind)}">{_e(kind)}</dt>'
                f"<dd>{_e(KIND_BY_ID[kind].summary)}</dd>"
            )
        out.append("</dl>")
    out.append("</section>")
    return out


def _finding_item(number: int, finding: Finding, root_href: str) -> str:
    severity = finding.severity.value
    links = []
    if finding.section:
        links.append(
            f'<a class="to-section" href="#{anchor("section", finding.section)}">'
            f"section {_e(finding.section)}</a>"
        )
    if finding.source:
        links.append(
            f'<a class="to-source" href="#{anchor("source", finding.source)}">'
            f"source {_e(finding.source)}</a>"
        )
    if finding.candidate:
        links.append(f'<span class="candidate">suggested: {_e(finding.candidate)}</span>')
    if finding.file:
        place = f"{finding.file}:{finding.line}" if finding.line else finding.file
        links.append(
            f'<a class="to-file" href="{_e(file_href(finding.file, root_href))}">{_e(place)}</a>'
        )
    return (
        f'<li class="finding sev-{severity}" id="finding-{number}" '
        f'data-kind="{_e(finding.kind)}" data-severity="{severity}">'
        f'<span class="badge">{severity}</span> '
        f'<a class="kind" href="#{anchor("kind", finding.kind)}">{_e(finding.kind)}</a>'
        f'<p class="message">{_e(finding.message)}</p>'
        f'<p class="where">{" · ".join(links)}</p></li>'
    )


_CSS = """
:root{--ink:#1d232a;--muted:#5b6570;--line:#d6dbe0;--err:#b3261e;--warn:#8a5a00;--info:#1f5f8b;
--h0:#f6f7f8;--h1:#d7ecdc;--h2:#a6d6b2;--h3:#5fb27a;--h4:#2b7a48}
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);
margin:0 auto;max-width:72rem;padding:1.5rem}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.2rem;margin:2rem 0 .5rem;
border-bottom:1px solid var(--line)}
.summary{font-weight:600}.hint{color:var(--muted);margin-top:0}
.scroll{overflow-x:auto}
table.heatmap{border-collapse:collapse;font-variant-numeric:tabular-nums}
.heatmap th,.heatmap td{border:1px solid var(--line);padding:.3rem .5rem}
.heatmap thead th{vertical-align:bottom;text-align:center;font-weight:600}
.heatmap thead th .title{display:block;font-weight:400;font-size:.75rem;color:var(--muted)}
.heatmap th.empty{color:var(--err)}
.heatmap tbody th{text-align:left;font-weight:400;white-space:nowrap}
.heatmap .key{display:block;font:.75rem ui-monospace,monospace;color:var(--muted)}
.heatmap .links{font-size:.75rem}.heatmap .links a{color:var(--info)}
.heatmap td{text-align:center;min-width:3rem}
.heat-0{background:var(--h0)}.heat-1{background:var(--h1)}.heat-2{background:var(--h2)}
.heat-3{background:var(--h3);color:#fff}.heat-4{background:var(--h4);color:#fff}
.heat.bare{background:#fbe9e7}
.heatmap tfoot td.empty{color:#fff;background:var(--err);font-weight:700}
.heatmap tfoot td.thin{color:var(--warn);font-weight:700}
.flag{font-size:.75rem;color:var(--err)}
.balance li.empty{color:var(--err)}
#filters fieldset{border:1px solid var(--line);border-radius:.4rem;display:flex;flex-wrap:wrap;
gap:.5rem 1.25rem;align-items:center}
#shown-count{color:var(--muted)}
#findings-list{padding-left:1.5rem}
.finding{margin:.2rem 0 .9rem;padding-left:.25rem}
.finding .badge{display:inline-block;min-width:4.5rem;text-align:center;border-radius:.25rem;
font-size:.75rem;font-weight:700;text-transform:uppercase;color:#fff;padding:0 .3rem}
.sev-error .badge{background:var(--err)}.sev-warning .badge{background:var(--warn)}
.sev-info .badge{background:var(--info)}
.finding .kind{font:600 .9rem ui-monospace,monospace;color:inherit}
.finding .message{margin:.2rem 0}
.finding .where{margin:0;font-size:.85rem;color:var(--muted)}
.finding .where a{color:var(--info)}
:target{outline:3px solid #f2c94c}
dl.kinds dt{font:600 .9rem ui-monospace,monospace}dl.kinds dd{margin:0 0 .4rem 1.5rem}
#script-errors{color:var(--err)}
@media print{
body{max-width:none;padding:0;font-size:10.5pt}
.no-print,#filters{display:none!important}
.finding[hidden]{display:list-item!important}
.scroll{overflow:visible}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
tr,.finding{break-inside:avoid}
h2{break-after:avoid}
a{color:inherit;text-decoration:none}
}
"""

# Runs first: collects any script error into the page so a test can read it from the DOM.
_ERROR_TRAP = """
window.addEventListener("error", function (event) {
  var list = document.getElementById("script-errors");
  var item = document.createElement("li");
  item.textContent = String(event.message || event.error || "script error");
  list.appendChild(item);
  list.hidden = false;
});
"""

_SCRIPT = """
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var kindSelect = document.getElementById("kind-filter");
  var items = Array.prototype.slice.call(document.querySelectorAll("li.finding"));
  var shown = document.getElementById("shown-count");
  var boxes = Array.prototype.slice.call(form.querySelectorAll("input[name=severity]"));

  function readHash() {
    var state = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (pair) {
      var cut = pair.indexOf("=");
      if (cut > 0) {
        state[decodeURIComponent(pair.slice(0, cut))] = decodeURIComponent(pair.slice(cut + 1));
      }
    });
    return state;
  }

  function apply() {
    var severities = boxes.filter(function (b) { return b.checked; })
      .map(function (b) { return b.value; });
    var kind = kindSelect.value;
    var count = 0;
    items.forEach(function (item) {
      var visible = severities.indexOf(item.dataset.severity) >= 0 &&
        (!kind || item.dataset.kind === kind);
      item.hidden = !visible;
      if (visible) { count += 1; }
    });
    shown.textContent = "showing " + count + " of " + items.length;
    document.documentElement.dataset.shown = String(count);
  }

  function remember() {
    var severities = boxes.filter(function (b) { return b.checked; })
      .map(function (b) { return b.value; });
    var hash = "severity=" + severities.join(",");
    if (kindSelect.value) { hash += "&kind=" + encodeURIComponent(kindSelect.value); }
    if (history.replaceState) { history.replaceState(null, "", "#" + hash); }
  }

  var state = readHash();
  if (state.severity !== undefined) {
    var wanted = state.severity.split(",");
    boxes.forEach(function (b) { b.checked = wanted.indexOf(b.value) >= 0; });
  }
  if (state.kind !== undefined) {
    var known = Array.prototype.some.call(kindSelect.options, function (o) {
      return o.value === state.kind;
    });
    kindSelect.value = known ? state.kind : "";
  }
  form.addEventListener("change", function () { apply(); remember(); });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  window.addEventListener("beforeprint", function () {
    items.forEach(function (item) { item.hidden = false; });
  });
  window.addEventListener("afterprint", apply);
  apply();
  document.documentElement.dataset.reportReady = "yes";
})();
"""
