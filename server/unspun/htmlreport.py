"""`unspun report`: one self-contained HTML page about a corpus (no external files, scripts or fonts).

Documents ranked by spin score, an SVG histogram of the spin scores with the threshold marked, each finding in
its context with the suggested restoration and the confidence, and filters by kind (and to spun documents
only) that work without a server; the address can preset them (`report.html#hide=substitution&spun-only`).
"""

from __future__ import annotations

import math
from html import escape

from unspun import __version__
from unspun.results import CHECKED, FileResult

#: characters of context shown on each side of a finding
CONTEXT = 80

_CSS = """
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#222}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.25rem .5rem;border-bottom:1px solid #ddd}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.spun{color:#a40000;font-weight:600}.skipped{color:#777}
.filters{position:sticky;top:0;background:#fff;padding:.5rem 0;border-bottom:1px solid #ccc}
.filters label{margin-right:1.2rem}
details{margin:.6rem 0;border:1px solid #ddd;border-radius:4px;padding:.3rem .6rem}
summary{cursor:pointer}
ol.findings{padding-left:1.4rem}li.finding{margin:.4rem 0}
.context{font-family:Georgia,serif}mark{background:#ffe08a;padding:0 .1rem}
.fix{color:#1a6a1a;font-weight:600}.meta{color:#666;font-size:.85rem}
.hist rect.bar{fill:#4a7ab5}.hist text{font-size:11px;fill:#333}.hist line{stroke:#333}
.hist line.threshold{stroke:#c00;stroke-dasharray:4 3}
"""

_JS = """
(function(){
  function apply(){
    var kinds={};
    document.querySelectorAll('input[data-kind]').forEach(function(b){kinds[b.dataset.kind]=b.checked;});
    var spunOnly=document.getElementById('spun-only').checked;
    document.querySelectorAll('li.finding').forEach(function(li){li.hidden=!kinds[li.dataset.kind];});
    document.querySelectorAll('details.doc').forEach(function(d){
      var shown=d.querySelectorAll('li.finding:not([hidden])').length;
      d.querySelector('.shown').textContent=shown;
      d.hidden=(spunOnly&&d.dataset.spun!=='true');
    });
    document.querySelectorAll('tr.doc').forEach(function(r){r.hidden=(spunOnly&&r.dataset.spun!=='true');});
  }
  // the page's address can preset the filters: report.html#hide=substitution&spun-only
  var m=/hide=([\w,\/-]+)/.exec(location.hash);
  if(m){m[1].split(',').forEach(function(k){
    document.querySelectorAll('input[data-kind]').forEach(function(b){if(b.dataset.kind===k)b.checked=false;});
  });}
  if(/spun-only/.test(location.hash))document.getElementById('spun-only').checked=true;
  document.querySelectorAll('.filters input').forEach(function(b){b.addEventListener('change',apply);});
  apply();
})();
"""


def histogram_svg(scores: list[float], threshold: float, width: int = 640, height: int = 220) -> str:
    """A bar chart of spin scores in bins one point wide (the last bin open), threshold as a dashed line."""
    top = max(10, min(20, math.ceil(max(scores, default=0.0)) or 1))
    counts = [0] * (top + 1)
    for s in scores:
        counts[min(int(s), top)] += 1
    left, bottom, right, upper = 40, 30, 10, 10
    plot_w, plot_h = width - left - right, height - bottom - upper
    step = max(1, math.ceil(max(counts, default=0) / 4))
    peak = step * max(1, math.ceil(max(counts, default=0) / step))  # the y axis ends on a whole tick
    bar_w = plot_w / len(counts)
    parts = [
        f'<svg class="hist" role="img" aria-label="Histogram of spin scores" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
        f'<line x1="{left}" y1="{upper + plot_h}" x2="{left + plot_w}" y2="{upper + plot_h}"/>',
        f'<line x1="{left}" y1="{upper}" x2="{left}" y2="{upper + plot_h}"/>',
    ]
    for i, n in enumerate(counts):
        h = plot_h * n / peak
        x = left + i * bar_w
        label = f"{i}+" if i == top else f"{i}\u2013{i + 1}"
        parts.append(
            f'<rect class="bar" x="{x + 1:.1f}" y="{upper + plot_h - h:.1f}" width="{bar_w - 2:.1f}" height="{h:.1f}"'
            f' data-bin="{label}" data-files="{n}"><title>{label}: {n} documents</title></rect>'
        )
        parts.append(f'<text x="{x:.1f}" y="{upper + plot_h + 14}" text-anchor="middle">{i}</text>')
    for v in range(0, peak + 1, step):
        y = upper + plot_h - plot_h * v / peak
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{v}</text>')
    tx = left + min(threshold, top + 1) * bar_w
    parts.append(f'<line class="threshold" x1="{tx:.1f}" y1="{upper}" x2="{tx:.1f}" y2="{upper + plot_h}"/>')
    parts.append(f'<text x="{tx + 4:.1f}" y="{upper + 10}">threshold {threshold:g}</text>')
    parts.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 4}" text-anchor="middle">spin score (per 100 words)</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def _finding_html(f: dict, context: tuple[str, str]) -> str:
    before, after = context
    fix = f["replacements"][0] if f["replacements"] else None
    suggestion = f' \u2192 <span class="fix">{escape(fix)}</span>' if fix else ""
    return (
        f'<li class="finding" data-kind="{escape(f["kind"])}">'
        f'<div class="context">{escape(before)}<mark>{escape(f["text"])}</mark>{escape(after)}</div>'
        f'<div><b>{escape(f["text"])}</b>{suggestion}'
        f' <span class="meta">line {f["line"] + 1}, confidence {f["confidence"]:.2f}, {escape(f["rule"])}'
        f'{", fixed by unspun fix" if f["fix_applicable"] else ", needs review"}</span></div></li>'
    )


def render(results: list[FileResult], summary: dict, threshold: float) -> str:
    checked = [r for r in results if r.status == CHECKED]
    ranked = sorted(checked, key=lambda r: (-r.spin_score, r.path))
    skipped = [r for r in results if r.status != CHECKED]
    kinds = sorted(summary["by_kind"]) or ["fingerprint", "substitution"]
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>unspun report: {len(checked)} documents</title><style>{_CSS}</style></head><body>",
        "<h1>unspun report</h1>",
        f'<p id="totals">{summary["checked"]} documents checked ({summary["skipped"]} skipped), {summary["words"]} words,'
        f' {summary["findings"]} likely spins ({", ".join(f"{n} {k}" for k, n in summary["by_kind"].items()) or "none"});'
        f' <span class="spun">{summary["spun_files"]} look machine-spun</span> (spin score at or above {threshold:g}'
        f" per 100 words). unspun {escape(__version__)}.</p>",
        "<h2>Spin scores</h2>",
        histogram_svg([r.spin_score for r in checked if r.words], threshold),
        '<div class="filters">Show: '
        + "".join(f'<label><input type="checkbox" data-kind="{escape(k)}" checked> {escape(k)}</label>' for k in kinds)
        + '<label><input type="checkbox" id="spun-only"> spun documents only</label></div>',
        "<h2>Documents by spin score</h2>",
        '<table id="ranking"><thead><tr><th class="num">#</th><th>document</th><th class="num">spin score</th>'
        '<th class="num">words</th><th class="num">findings</th></tr></thead><tbody>',
    ]
    for i, r in enumerate(ranked, 1):
        mark = ' class="spun"' if r.spun else ""
        out.append(
            f'<tr class="doc" data-spun="{str(r.spun).lower()}"><td class="num">{i}</td>'
            f'<td><a href="#doc-{i}"{mark}>{escape(r.path)}</a></td><td class="num">{r.spin_score:.1f}</td>'
            f'<td class="num">{r.words}</td><td class="num">{len(r.findings)}</td></tr>'
        )
    out.append("</tbody></table>")
    if skipped:
        out.append('<h2>Skipped</h2><ul class="skipped">')
        out.extend(f"<li>{escape(r.path)}: {escape(r.reason or '')}</li>" for r in skipped)
        out.append("</ul>")
    out.append("<h2>Findings in context</h2>")
    for i, r in enumerate(ranked, 1):
        if not r.findings:
            continue
        out.append(
            f'<details class="doc" id="doc-{i}" data-spun="{str(r.spun).lower()}"{" open" if i <= 10 else ""}>'
            f'<summary><b>{escape(r.path)}</b> \u2014 spin score {r.spin_score:.1f},'
            f' <span class="shown">{len(r.findings)}</span> of {len(r.findings)} findings</summary><ol class="findings">'
        )
        out.extend(_finding_html(f, ctx) for f, ctx in zip(r.findings, r.contexts))
        out.append("</ol></details>")
    out.append(f"<script>{_JS}</script></body></html>\n")
    return "\n".join(out)
