export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  /** Whether stdout is a terminal (colour, code frames). */
  isTTY: boolean;
  env: Record<string, string | undefined>;
}

export class UsageError extends Error {}

export const EXIT = {
  /** No finding at or above the threshold. */
  clean: 0,
  /** Findings at or above the threshold. */
  findings: 1,
  /** Wrong usage, an unreadable root, or a broken aigate.yaml. */
  usage: 2,
} as const;
