import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { Level, StderrFilter } from "../../src/stderr";

function run(...chunks: string[]): [Level, string][] {
  const out: [Level, string][] = [];
  const f = new StderrFilter((level, line) => out.push([level, line]));
  for (const c of chunks) {
    f.push(c);
  }
  f.flush();
  return out;
}

describe("StderrFilter", () => {
  it("drops the server's own records, which also arrive as window/logMessage", () => {
    assert.deepEqual(run("2026-11-28 11:42:28,613 INFO unspun.lsp: serving\n2026-11-28 11:42:29,796 INFO unspun: x\n"), []);
  });
  it("keeps other loggers' records with their level", () => {
    assert.deepEqual(run("2026-11-28 11:42:28,613 DEBUG pygls.protocol: sent\n2026-11-28 11:42:28,700 ERROR pygls.server: boom\n"), [
      ["debug", "2026-11-28 11:42:28,613 DEBUG pygls.protocol: sent"],
      ["error", "2026-11-28 11:42:28,700 ERROR pygls.server: boom"],
    ]);
  });
  it("sends continuation lines where their record went, across chunk boundaries", () => {
    const out = run(
      "2026-11-28 11:42:28,613 ERROR unspun.lsp: failed\nTraceback (most recent call last):\n  File",
      ' "x.py"\n2026-11-28 11:42:28,700 WARNING asyncio: slow\n  detail\n',
    );
    assert.deepEqual(out, [
      ["warning", "2026-11-28 11:42:28,700 WARNING asyncio: slow"],
      ["warning", "  detail"],
    ]);
  });
  it("keeps what comes before any record, such as an import error, and a last line without newline", () => {
    assert.deepEqual(run("Traceback (most recent call last):\n", "ModuleNotFoundError: No module named 'pygls'"), [
      ["warning", "Traceback (most recent call last):"],
      ["warning", "ModuleNotFoundError: No module named 'pygls'"],
    ]);
  });
});
