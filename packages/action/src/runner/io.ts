import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';

/** The process environment as the runner gives it (injected so tests and other hosts can supply their own). */
export type Env = Readonly<Record<string, string | undefined>>;

/** Where the action writes: the log (stdout) and the files the runner reads back. */
export interface Runner {
  env: Env;
  /** Write text to the job log (stdout); a newline is added. */
  log(line: string): void;
}

export class InputError extends Error {}

/** Escape the message of a workflow command (as the runner unescapes it). */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escape a property value of a workflow command (also `:` and `,`). */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export type AnnotationLevel = 'error' | 'warning' | 'notice';

export interface AnnotationProperties {
  title?: string;
  file?: string;
  line?: number;
  endLine?: number;
  col?: number;
  endColumn?: number;
}

/** `::error file=F,line=L,...::message`, with every part escaped so text from checked files cannot start a command. */
export function annotationCommand(level: AnnotationLevel, message: string, props: AnnotationProperties = {}): string {
  const parts: string[] = [];
  for (const key of ['file', 'line', 'endLine', 'col', 'endColumn', 'title'] as const) {
    const v = props[key];
    if (v !== undefined && v !== '') parts.push(`${key}=${escapeProperty(String(v))}`);
  }
  return `::${level}${parts.length ? ` ${parts.join(',')}` : ''}::${escapeData(message)}`;
}

/** A plain log line that never starts a workflow command, whatever the text holds. */
export function plainLine(text: string): string {
  const one = text.replace(/\r\n|\r|\n/g, ' ');
  return one.startsWith('::') ? ` ${one}` : one;
}

export function startGroup(runner: Runner, title: string): void {
  runner.log(`::group::${escapeData(title)}`);
}

export function endGroup(runner: Runner): void {
  runner.log('::endgroup::');
}

/** An input as the runner passes it: `INPUT_<NAME>` with spaces as `_`, upper case, trimmed; `undefined` when empty. */
export function getInput(env: Env, name: string): string | undefined {
  const v = env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`];
  const t = v?.trim();
  return t ? t : undefined;
}

const TRUE = ['true', 'True', 'TRUE'];
const FALSE = ['false', 'False', 'FALSE'];

/** A boolean input in the YAML 1.2 core schema spelling, as `@actions/core` accepts it. */
export function getBooleanInput(env: Env, name: string, fallback: boolean): boolean {
  const v = getInput(env, name);
  if (v === undefined) return fallback;
  if (TRUE.includes(v)) return true;
  if (FALSE.includes(v)) return false;
  throw new InputError(`input '${name}' takes true or false, not '${v}'`);
}

export function getChoiceInput<T extends string>(env: Env, name: string, choices: readonly T[], fallback: T): T {
  const v = getInput(env, name);
  if (v === undefined) return fallback;
  const hit = choices.find((c) => c === v.toLowerCase());
  if (!hit) throw new InputError(`input '${name}' takes one of ${choices.join(', ')}, not '${v}'`);
  return hit;
}

/**
 * Set step outputs in `GITHUB_OUTPUT` with the heredoc form (`name<<DELIM ... DELIM`), choosing a delimiter
 * that occurs in no value. Returns false when the runner gave no output file.
 */
export function setOutputs(env: Env, outputs: Readonly<Record<string, string | number>>): boolean {
  const file = env.GITHUB_OUTPUT;
  if (!file) return false;
  let text = '';
  for (const [name, raw] of Object.entries(outputs)) {
    const value = String(raw);
    let delimiter = `ghadelimiter_${randomUUID()}`;
    while (value.includes(delimiter) || name.includes(delimiter)) delimiter = `ghadelimiter_${randomUUID()}`;
    text += `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
  }
  appendFileSync(file, text, 'utf8');
  return true;
}

/** Append Markdown to the step's job summary (`GITHUB_STEP_SUMMARY`). Returns false when there is none. */
export function appendSummary(env: Env, markdown: string): boolean {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file) return false;
  appendFileSync(file, markdown.endsWith('\n') ? markdown : `${markdown}\n`, 'utf8');
  return true;
}
