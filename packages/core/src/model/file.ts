import type { Document } from 'yaml';
import { detectAzureMl, extractAzureMl, kindFromSchema, type AzureMlKind } from '../formats/azureml.js';
import { extractWorkflow, isWorkflowPath } from '../formats/workflow.js';
import { SourceFile, type Span } from '../text/source.js';
import { YNode } from '../yaml/nodes.js';
import { parseYaml, type YamlProblem } from '../yaml/parse.js';
import { POLICY_FILE_NAMES } from '../policy/types.js';
import type { AnyRecord } from './records.js';
import { readInlineSuppressions, type InlineSuppression } from './suppressions.js';

export type FileKind = 'workflow' | 'policy' | AzureMlKind | 'yaml';

/** Everything aigate reads from one file, independent of the policy (so it can be cached by content). */
export interface AnalyzedFile {
  source: SourceFile;
  kind: FileKind;
  /** True when aigate understands the file (it is a workflow, policy or Azure ML file). */
  recognised: boolean;
  records: AnyRecord[];
  parseErrors: YamlProblem[];
  suppressions: InlineSuppression[];
  /** The parsed YAML documents (parsed again from the text when they were let go: see `releaseDocs`). */
  docs: Document[];
}

const AML_HINT = /^\s*(\$schema\s*:.*azureml|endpoint_name\s*:|auth_mode\s*:|replication_locations\s*:)/im;

export function isPolicyPath(path: string): boolean {
  return POLICY_FILE_NAMES.includes(path);
}

/** True when a YAML file may be one aigate reads; other YAML (Helm charts, app config) is left alone. */
export function looksRelevant(path: string, text: string, policy = isPolicyPath(path)): boolean {
  if (policy || isWorkflowPath(path)) return true;
  if (!AML_HINT.test(text)) return false;
  // A `$schema` naming an Azure ML kind aigate does not analyse (pipeline jobs, components) settles it.
  const schema = SCHEMA_LINE.exec(text)?.[1];
  return schema === undefined || kindFromSchema(schema) !== 'other';
}

const SCHEMA_LINE = /^\$schema\s*:\s*['"]?([^'"\s#]+)/m;

/**
 * Files written as templates (`endpoint_name: {{ENDPOINT_NAME}}`) are not YAML until a script fills
 * them in. `{{`/`}}` become `<<`/`>>` (same length, so offsets hold) and the value reads as templated.
 */
function parseTemplate(source: SourceFile): ReturnType<typeof parseYaml> | undefined {
  if (!source.text.includes('{{')) return undefined;
  const filled = new SourceFile(source.path, source.text.replace(/\{\{/g, '<<').replace(/\}\}/g, '>>'));
  const parsed = parseYaml(filled);
  return parsed.errors.length ? undefined : parsed;
}

/** Parse a file as `analyzeFile` does: as YAML, else (not the policy) as a template when that is what makes it parse. */
function parseFile(source: SourceFile, policy: boolean): ReturnType<typeof parseYaml> {
  const parsed = parseYaml(source);
  if (parsed.errors.length && !policy) return parseTemplate(source) ?? parsed;
  return parsed;
}

/**
 * An analysed file. Its YAML documents can be let go (they are most of the memory it takes) and are then
 * parsed again from the text, the same, when read next.
 */
class Analysis implements AnalyzedFile {
  kind: FileKind = 'yaml';
  recognised = false;
  records: AnyRecord[] = [];
  parseErrors: YamlProblem[] = [];
  suppressions: InlineSuppression[] = [];
  private parsed: Document[] | undefined;
  private reloaded: (() => void) | undefined;

  constructor(
    readonly source: SourceFile,
    docs: Document[],
    /** False for files not parsed at all (not YAML aigate reads): they have no documents. */
    private readonly parses: boolean,
  ) {
    this.parsed = docs;
  }

  get docs(): Document[] {
    if (!this.parsed) {
      this.parsed = parseFile(this.source, this.kind === 'policy').docs;
      const reloaded = this.reloaded;
      this.reloaded = undefined;
      reloaded?.();
    }
    return this.parsed;
  }

  set docs(value: Document[]) {
    this.parsed = value;
  }

  release(reloaded: () => void): void {
    if (!this.parses) return;
    this.parsed = undefined;
    this.reloaded = reloaded;
  }
}

/**
 * Let the YAML documents of an analysed file go (they are most of the memory it takes). Records,
 * suppressions and errors stay; the documents are parsed again from the text, the same, when read
 * next, and `reloaded` is called then. Does nothing for files not made by `analyzeFile`.
 */
export function releaseDocs(file: AnalyzedFile, reloaded: () => void = () => {}): void {
  if (file instanceof Analysis) file.release(reloaded);
}

export interface AnalyzeOptions {
  /** Read the file as the policy (default: when its path is one of `POLICY_FILE_NAMES`). */
  policy?: boolean;
}

export function analyzeFile(path: string, text: string, options: AnalyzeOptions = {}): AnalyzedFile {
  const policy = options.policy ?? isPolicyPath(path);
  const source = new SourceFile(path, text);
  if (!looksRelevant(path, text, policy)) return new Analysis(source, [], false);
  const parsed = parseFile(source, policy);
  const base = new Analysis(source, parsed.docs, true);
  const fileSpan: Span = { start: 0, end: text.length };
  if (policy) {
    base.kind = 'policy';
    base.recognised = true;
  } else if (isWorkflowPath(path)) {
    base.kind = 'workflow';
    base.recognised = true;
  }
  base.parseErrors = parsed.errors;
  if (base.kind === 'workflow') {
    const doc = parsed.docs[0];
    if (doc && !parsed.errors.length) base.records = extractWorkflow(YNode.root(doc, path, fileSpan), source);
  } else if (base.kind !== 'policy') {
    for (const doc of parsed.docs) {
      const root = YNode.root(doc, path, fileSpan);
      const kind = detectAzureMl(root, path);
      if (kind === undefined) continue;
      if (base.kind === 'yaml') base.kind = kind;
      base.recognised = true;
      if (doc.errors.length === 0) base.records.push(...extractAzureMl(root, kind));
    }
    // A file with an Azure ML hint that does not even parse is still ours to report.
    if (!base.recognised && parsed.errors.length && AML_HINT.test(text)) base.recognised = true;
  }
  if (base.recognised) base.suppressions = readInlineSuppressions(source, parsed.docs);
  return base;
}
