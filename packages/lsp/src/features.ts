import {
  findingsInRange,
  hoverAt,
  policyCompletions,
  promotionLenses,
  suppressionEdit,
  type CompletionKind,
  type Finding,
  type TextEdit as CoreTextEdit,
} from '@aigate/core';
import {
  CodeActionKind,
  CompletionItemKind,
  InsertTextFormat,
  MarkupKind,
  type CodeAction,
  type CodeLens,
  type CompletionItem,
  type Hover,
  type TextDocumentEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import { toDiagnostic, toRange, toTextEdit } from './convert.js';
import type { Root } from './roots.js';
import type { ServerState } from './start.js';

const COMPLETION_KIND: Record<CompletionKind, CompletionItemKind> = {
  key: CompletionItemKind.Property,
  value: CompletionItemKind.Value,
  rule: CompletionItemKind.Reference,
  environment: CompletionItemKind.EnumMember,
  workload: CompletionItemKind.EnumMember,
};

function escapeSnippet(s: string): string {
  return s.replace(/[\\$}]/g, (c) => `\\${c}`);
}

export function registerFeatures(state: ServerState): void {
  const { connection, documents } = state;

  /** A workspace edit in the form the client takes: versioned document edits when it can, plain changes otherwise. */
  const workspaceEdit = (root: Root, edits: CoreTextEdit[], snippet?: { edit: CoreTextEdit; placeholder: { start: number; end: number } }): WorkspaceEdit => {
    const byUri = new Map<string, ReturnType<typeof toTextEdit>[]>();
    for (const e of edits) {
      const uri = root.uriOf(e.file);
      const list = byUri.get(uri) ?? [];
      list.push(toTextEdit(e));
      byUri.set(uri, list);
    }
    const caps = state.capabilities.workspace?.workspaceEdit;
    if (snippet && caps?.documentChanges && (caps as { snippetEditSupport?: boolean }).snippetEditSupport) {
      const e = snippet.edit;
      const t = e.newText;
      const value = `${escapeSnippet(t.slice(0, snippet.placeholder.start))}\${1:${escapeSnippet(t.slice(snippet.placeholder.start, snippet.placeholder.end))}}${escapeSnippet(t.slice(snippet.placeholder.end))}`;
      const uri = root.uriOf(e.file);
      const edit = { range: toRange(e.start, e.end), snippet: { kind: 'snippet', value } };
      return { documentChanges: [{ textDocument: { uri, version: documents.get(uri)?.version ?? null }, edits: [edit] } as unknown as TextDocumentEdit] };
    }
    if (caps?.documentChanges) {
      return { documentChanges: [...byUri].map(([uri, list]) => ({ textDocument: { uri, version: documents.get(uri)?.version ?? null }, edits: list })) };
    }
    return { changes: Object.fromEntries(byUri) };
  };

  connection.onHover((params) =>
    state.safe<Hover | null>('hover', null, async () => {
      await state.current();
      const where = state.locate(params.textDocument.uri);
      if (!where) return null;
      const { root, rel } = where;
      const file = root.index.file(rel);
      if (!file) return null;
      const offset = file.source.offsetAt(params.position);
      const h = hoverAt(root.index.model, root.index.findings(rel), rel, offset);
      if (!h) return null;
      return { contents: { kind: MarkupKind.Markdown, value: h.markdown }, range: toRange(file.source.positionAt(h.span.start), file.source.positionAt(h.span.end)) };
    }),
  );

  connection.onCodeAction((params) =>
    state.safe<CodeAction[]>('code actions', [], async () => {
      const only = params.context.only;
      if (only && !only.some((k) => k === CodeActionKind.QuickFix || k.startsWith(`${CodeActionKind.QuickFix}.`) || k === CodeActionKind.Empty)) return [];
      await state.current();
      const where = state.locate(params.textDocument.uri);
      if (!where) return [];
      const { root, rel } = where;
      const file = root.index.file(rel);
      if (!file) return [];
      const range = { start: file.source.offsetAt(params.range.start), end: file.source.offsetAt(params.range.end) };
      const actions: CodeAction[] = [];
      const found: Finding[] = findingsInRange(root.index.findings(rel), rel, range);
      for (const f of found) {
        const diagnostic = toDiagnostic(root, f);
        f.fixes.forEach((fix, i) => {
          actions.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: i === 0, edit: workspaceEdit(root, fix.edits) });
        });
      }
      const suppressed = new Set<string>();
      for (const f of found) {
        if (suppressed.has(f.ruleId)) continue;
        const s = suppressionEdit(file, f);
        if (!s) continue;
        suppressed.add(f.ruleId);
        actions.push({ title: s.title, kind: CodeActionKind.QuickFix, diagnostics: [toDiagnostic(root, f)], edit: workspaceEdit(root, [s.edit], s) });
      }
      return actions;
    }),
  );

  connection.onCodeLens((params) =>
    state.safe<CodeLens[]>('code lens', [], async () => {
      await state.current();
      const where = state.locate(params.textDocument.uri);
      if (!where) return [];
      const { root, rel } = where;
      const s = await state.settings.forResource(params.textDocument.uri, root);
      const file = root.index.file(rel);
      if (!s.codeLens || !file) return [];
      return promotionLenses(root.index.model, rel).map((l) => ({
        range: toRange(file.source.positionAt(l.span.start), file.source.positionAt(l.span.end)),
        // A lens without an action: the title is the information.
        command: { title: l.title, command: '' },
        data: { environments: l.environments },
      }));
    }),
  );

  connection.onCompletion((params) =>
    state.safe<CompletionItem[]>('completion', [], async () => {
      const where = state.locate(params.textDocument.uri);
      if (!where || !where.root.isPolicy(where.rel)) return [];
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return [];
      const text = doc.getText();
      const offset = doc.offsetAt(params.position);
      // Names come from the text itself, so they complete while the file is half-typed.
      const items = policyCompletions(text, offset);
      return items.map((c, i) => ({
        label: c.label,
        kind: COMPLETION_KIND[c.kind],
        detail: c.detail,
        documentation: c.documentation ? { kind: MarkupKind.Markdown, value: c.documentation } : undefined,
        textEdit: { range: { start: doc.positionAt(c.replace.start), end: doc.positionAt(c.replace.end) }, newText: c.insertText },
        insertTextFormat: InsertTextFormat.PlainText,
        sortText: String(i).padStart(4, '0'),
      }));
    }),
  );
}
