import { defineRule, type FixSpec } from '../../engine/rule.js';
import type { EnvironmentAssetRecord, ModelAssetRecord } from '../../model/records.js';
import type { WorkspaceModel } from '../../model/workspace.js';
import { YNode, type Loc } from '../../yaml/nodes.js';
import { TRACK_EVERY_VERSION, VERSION_CONTROL_AND_ROLLBACK } from '../guidance.js';

/** The root node of the document a record was read from. */
function rootOf(model: WorkspaceModel, rec: ModelAssetRecord | EnvironmentAssetRecord): YNode | undefined {
  const file = model.files.get(rec.file);
  if (!file) return undefined;
  const fileSpan = { start: 0, end: file.source.text.length };
  for (const doc of file.docs) {
    const root = YNode.root(doc, rec.file, fileSpan);
    if (root.span.start === rec.loc.span.start) return root;
  }
  return undefined;
}

/** Insert `version: 1` on its own line after the `name:` entry, at the same indentation. */
function insertVersionFix(model: WorkspaceModel, file: string, namePair: Loc): FixSpec | undefined {
  const src = model.files.get(file)?.source;
  if (!src) return undefined;
  const startPos = src.positionAt(namePair.span.start);
  const lineText = src.lineText(startPos.line);
  const indent = lineText.slice(0, startPos.character);
  if (indent.trim() !== '') return undefined; // flow mapping or `- name:`: leave it to the author
  const endLine = src.positionAt(namePair.span.end).line;
  const next = endLine + 1 < src.lineCount ? src.lineStart(endLine + 1) : undefined;
  const eol = src.text.includes('\r\n') ? '\r\n' : '\n';
  const edit =
    next !== undefined && next <= src.text.length && next > namePair.span.end
      ? { file, span: { start: next, end: next }, newText: `${indent}version: 1${eol}` }
      : { file, span: { start: src.text.length, end: src.text.length }, newText: `${eol}${indent}version: 1${eol}` };
  return { title: 'Add `version: 1` after `name:`', edits: [edit] };
}

export const assetVersioned = defineRule({
  id: 'versioning/asset-versioned',
  theme: 'version-control',
  description: 'Model and environment asset files (`model.schema.json`, `environment.schema.json`) set `version:`, so the repository says which version they register.',
  defaultSeverity: 'warning',
  crossFile: false,
  fixable: true,
  guidance: [
    TRACK_EVERY_VERSION,
    VERSION_CONTROL_AND_ROLLBACK,
  ],
  check({ model, report }) {
    const assets: Array<ModelAssetRecord | EnvironmentAssetRecord> = [...model.models, ...model.environmentAssets];
    for (const a of assets) {
      if (a.version !== undefined && a.version.trim() !== '') continue; // a literal or templated version
      const root = rootOf(model, a);
      const versionNode = root?.get('version');
      if (versionNode?.exists && !versionNode.isScalar) continue; // something aigate does not read; not "missing"
      const nameNode = root?.get('name');
      const namePair = nameNode?.exists ? nameNode.pairLoc : undefined;
      const nameKey = root?.keyLoc('name');
      const kind = a.type === 'model' ? 'model' : 'environment';
      const label = a.name ? `The ${kind} '${a.name}'` : `This ${kind}`;
      const fix = namePair ? insertVersionFix(model, a.file, namePair) : undefined;
      report({
        loc: nameKey ?? a.loc,
        record: a,
        message: `${label} has no \`version:\`, so Azure ML gives it the next number on every registration and the repository does not say which version it produces. Add \`version:\` with the number to register (and raise it on every change), then deploy that version by name.`,
        fixes: fix ? [fix] : [],
      });
    }
  },
});
