import type { Finding, Location as CoreLocation, Position as CorePosition, Severity, TextEdit as CoreTextEdit } from '@aigate/core';
import { Diagnostic, DiagnosticSeverity, type Location, type Range, type TextEdit } from 'vscode-languageserver';
import type { Root } from './roots.js';

/** Core positions are 0-based line/UTF-16 character, as LSP's: the conversion is a copy. */
export function toRange(start: CorePosition, end: CorePosition): Range {
  return { start: { line: start.line, character: start.character }, end: { line: end.line, character: end.character } };
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information };
const RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

export function atLeast(s: Severity, min: Severity): boolean {
  return RANK[s] >= RANK[min];
}

export function toLocation(root: Root, l: CoreLocation): Location {
  return { uri: root.uriOf(l.file), range: toRange(l.start, l.end) };
}

export function toDiagnostic(root: Root, f: Finding): Diagnostic {
  const d = Diagnostic.create(toRange(f.location.start, f.location.end), f.message, SEVERITY[f.severity], f.ruleId, 'aigate');
  d.codeDescription = { href: f.docsUrl };
  if (f.related.length) d.relatedInformation = f.related.map((r) => ({ location: toLocation(root, r), message: r.message ?? '' }));
  d.data = { fingerprint: f.fingerprint };
  return d;
}

export function toTextEdit(e: CoreTextEdit): TextEdit {
  return { range: toRange(e.start, e.end), newText: e.newText };
}
