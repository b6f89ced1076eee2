// The server's standard error, sorted for the output channel. The server logs each record to stderr and, for
// its own loggers (`unspun.*`), also to the editor as window/logMessage: those would show twice, so they are
// dropped here. What remains (other libraries' records, anything printed before logging starts, such as an
// import error) is passed on with its level.

export type Level = "debug" | "info" | "warning" | "error";

const RECORD = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO|WARNING|ERROR|CRITICAL) ([\w.-]+): /;

const LEVELS: Record<string, Level> = {
  DEBUG: "debug",
  INFO: "info",
  WARNING: "warning",
  ERROR: "error",
  CRITICAL: "error",
};

export class StderrFilter {
  private pending = "";
  private keep = true;
  private level: Level = "warning";

  constructor(private readonly sink: (level: Level, line: string) => void) {}

  /** Takes a chunk of stderr (any split, even mid-line). */
  push(chunk: string): void {
    this.pending += chunk;
    const lines = this.pending.split(/\r?\n/);
    this.pending = lines.pop() ?? "";
    for (const line of lines) {
      this.line(line);
    }
  }

  /** Passes on a last line without its newline. */
  flush(): void {
    if (this.pending) {
      const line = this.pending;
      this.pending = "";
      this.line(line);
    }
  }

  private line(line: string): void {
    const m = RECORD.exec(line);
    if (m) {
      const logger = m[2];
      this.keep = !(logger === "unspun" || logger.startsWith("unspun."));
      this.level = LEVELS[m[1]] ?? "info";
    }
    // a line that starts no record continues the one before (a traceback): it goes where that one went
    if (this.keep && line.trim()) {
      this.sink(this.level, line);
    }
  }
}
