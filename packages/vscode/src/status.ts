// What the status item shows: the server's state and the number of findings. Pure, so it is tested alone.

export type ServerState = 'disabled' | 'starting' | 'running' | 'stopped' | 'failed';

/** The diagnostic source the server writes on every finding. */
export const DIAGNOSTIC_SOURCE = 'aigate';

export interface FindingCounts {
  errors: number;
  warnings: number;
  infos: number;
  /** Files with at least one finding. */
  files: number;
}

export const NO_FINDINGS: Readonly<FindingCounts> = { errors: 0, warnings: 0, infos: 0, files: 0 };

/** The part of a diagnostic the count reads (vscode.Diagnostic has both). Severity: 0 error, 1 warning, 2 info, 3 hint. */
export interface CountableDiagnostic {
  source?: string | undefined;
  severity: number;
}

/** Counts aigate's diagnostics over every file VS Code knows diagnostics for. */
export function countFindings(all: Iterable<readonly [unknown, readonly CountableDiagnostic[]]>): FindingCounts {
  const counts = { errors: 0, warnings: 0, infos: 0, files: 0 };
  for (const [, diagnostics] of all) {
    let inFile = 0;
    for (const d of diagnostics) {
      if (d.source !== DIAGNOSTIC_SOURCE) continue;
      inFile++;
      if (d.severity === 0) counts.errors++;
      else if (d.severity === 1) counts.warnings++;
      else counts.infos++;
    }
    if (inFile) counts.files++;
  }
  return counts;
}

export function totalFindings(c: FindingCounts): number {
  return c.errors + c.warnings + c.infos;
}

export interface StatusView {
  text: string;
  tooltip: string;
  /** Whether to show the item with the error background. */
  alarm: boolean;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

const STATE_WORDS: Record<ServerState, string> = {
  disabled: 'disabled (aigate.enable is off)',
  starting: 'starting',
  running: 'running',
  stopped: 'stopped',
  failed: 'failed to start; see the aigate output',
};

/** Text (with a codicon) and tooltip of the status item. */
export function statusView(state: ServerState, counts: FindingCounts): StatusView {
  const total = totalFindings(counts);
  const summary =
    total === 0
      ? 'No findings.'
      : `${plural(total, 'finding')} in ${plural(counts.files, 'file')}: ${plural(counts.errors, 'error')}, ${plural(counts.warnings, 'warning')}, ${counts.infos} info.`;
  const tooltip = `aigate language server: ${STATE_WORDS[state]}.${state === 'running' ? ` ${summary}` : ''}`;
  switch (state) {
    case 'disabled':
      return { text: '$(circle-slash) aigate', tooltip, alarm: false };
    case 'starting':
      return { text: '$(sync~spin) aigate', tooltip, alarm: false };
    case 'stopped':
      return { text: '$(debug-stop) aigate', tooltip, alarm: false };
    case 'failed':
      return { text: '$(error) aigate', tooltip, alarm: true };
    case 'running':
      if (total === 0) return { text: '$(pass) aigate', tooltip, alarm: false };
      return { text: `${counts.errors ? '$(error)' : '$(warning)'} aigate: ${total}`, tooltip, alarm: false };
  }
}
