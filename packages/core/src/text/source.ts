/**
 * Source text with one line index. Core keeps positions as UTF-16 offsets into the text;
 * this is the only place that turns offsets into lines and columns.
 */
export interface Position {
  /** 0-based line. */
  line: number;
  /** 0-based UTF-16 column. */
  character: number;
}

/** Half-open span of offsets: [start, end). */
export interface Span {
  start: number;
  end: number;
}

export class SourceFile {
  readonly path: string;
  readonly text: string;
  private lineStarts: number[] | undefined;

  constructor(path: string, text: string) {
    this.path = path;
    this.text = text;
  }

  private starts(): number[] {
    if (!this.lineStarts) {
      const starts = [0];
      const t = this.text;
      for (let i = 0; i < t.length; i++) {
        const c = t.charCodeAt(i);
        if (c === 10) starts.push(i + 1);
        else if (c === 13) {
          if (t.charCodeAt(i + 1) === 10) i++;
          starts.push(i + 1);
        }
      }
      this.lineStarts = starts;
    }
    return this.lineStarts;
  }

  get lineCount(): number {
    return this.starts().length;
  }

  positionAt(offset: number): Position {
    const starts = this.starts();
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - (starts[lo] ?? 0) };
  }

  offsetAt(pos: Position): number {
    const starts = this.starts();
    if (pos.line >= starts.length) return this.text.length;
    const lineStart = starts[Math.max(0, pos.line)] ?? 0;
    const next = starts[pos.line + 1] ?? this.text.length;
    return Math.min(lineStart + Math.max(0, pos.character), next);
  }

  /** Text of a 0-based line without its line break. */
  lineText(line: number): string {
    const starts = this.starts();
    const s = starts[line];
    if (s === undefined) return '';
    const e = starts[line + 1] ?? this.text.length;
    return this.text.slice(s, e).replace(/\r?\n$|\r$/, '');
  }

  /** Offset of the first character of the given 0-based line. */
  lineStart(line: number): number {
    return this.starts()[line] ?? this.text.length;
  }
}
