import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { isSpinReport, paragraphPicks, reportTitle, SpinReport } from "../../src/spinscores";

const range = (l1: number, c1: number, l2: number, c2: number) => ({
  start: { line: l1, character: c1 },
  end: { line: l2, character: c2 },
});

const LINES = [
  "The weather was mild.",
  "",
  "An information convention in Jap Europe on counterfeit consciousness, with a long tail of words after it.",
  "",
  "A second paragraph, mildly odd,",
  "over two lines.",
];

const REPORT: SpinReport = {
  version: 4,
  spinScore: 3.2,
  spun: true,
  threshold: 2.5,
  words: 40,
  paragraphs: [
    { range: range(0, 0, 0, 21), spinScore: 0, spun: false },
    { range: range(2, 0, 2, 104), spinScore: 4.86, spun: true },
    { range: range(4, 0, 5, 15), spinScore: 1, spun: false },
  ],
};

describe("spin score report", () => {
  it("accepts the server's shape and refuses others", () => {
    assert.ok(isSpinReport(REPORT));
    assert.ok(isSpinReport({ ...REPORT, version: null, paragraphs: [] }));
    for (const bad of [null, undefined, 3, "x", {}, { ...REPORT, spinScore: "3" }, { ...REPORT, paragraphs: [{ range: {}, spinScore: 1, spun: true }] }]) {
      assert.equal(isSpinReport(bad), false, JSON.stringify(bad));
    }
  });

  it("titles the picker with the document's score and verdict", () => {
    assert.equal(reportTitle(REPORT), "unspun: spin score 3.2 per 100 words (threshold 2.5): this text looks machine-spun");
    assert.match(reportTitle({ ...REPORT, spun: false, spinScore: 0.04 }), /score 0\.0 per 100 words .*does not look machine-spun$/);
  });

  it("lists paragraphs with evidence, highest first, with their lines and first words", () => {
    const picks = paragraphPicks(REPORT, (n) => LINES[n], false, 40);
    assert.deepEqual(
      picks.map((p) => [p.label, p.description]),
      [
        ["$(warning) 4.9 per 100 words", "line 3, looks machine-spun"],
        ["$(eye) 1.0 per 100 words", "lines 5-6"],
      ],
    );
    assert.equal(picks[0].detail, "An information convention in Jap Europe\u2026");
    assert.ok(picks[0].detail.length <= 40);
    assert.equal(picks[1].detail, "A second paragraph, mildly odd,");
    assert.deepEqual(picks[0].range, REPORT.paragraphs[1].range);
    // all paragraphs on request; equal scores keep document order
    const all = paragraphPicks({ ...REPORT, paragraphs: [REPORT.paragraphs[0], { ...REPORT.paragraphs[2], spinScore: 0 }] }, (n) => LINES[n], true);
    assert.deepEqual(all.map((p) => p.range.start.line), [0, 4]);
  });
});
