// A real LSP client over stdio for the tests: spawns the built server as a child process.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ClientCapabilities,
  type Diagnostic,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver-protocol/node';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const SERVER = path.join(REPO, 'packages/lsp/dist/server.js');

/** A fresh copy of the example repository in a temp folder. */
export function copyExample(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'aigate-lsp-'));
  cpSync(path.join(REPO, 'examples/contoso-chat'), dir, { recursive: true });
  return dir;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export function uriOf(root: string, rel: string): string {
  return pathToFileURL(path.join(root, rel)).href;
}

export interface Waiter<T> {
  pred: (value: T) => boolean;
  resolve: (value: T) => void;
}

export interface ClientOptions {
  root: string;
  pull?: boolean;
  settings?: Record<string, unknown>;
  debounceMs?: number;
  snippetEdits?: boolean;
  /** Run this file instead of the built server. */
  server?: string;
  /** More initializationOptions. */
  init?: Record<string, unknown>;
}

/** Apply LSP text edits to a text (edits do not overlap; applied from the end). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const lines: number[] = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lines.push(i + 1);
  const off = (p: { line: number; character: number }): number => Math.min((lines[p.line] ?? text.length) + p.character, text.length);
  const sorted = [...edits].sort((a, b) => off(b.range.start) - off(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, off(e.range.start)) + e.newText + out.slice(off(e.range.end));
  return out;
}

/** The text edits of a workspace edit for one URI, whatever form the server chose. */
export function editsFor(edit: WorkspaceEdit, uri: string): TextEdit[] {
  if (edit.changes?.[uri]) return edit.changes[uri]!;
  const out: TextEdit[] = [];
  for (const dc of edit.documentChanges ?? []) {
    if ('textDocument' in dc && dc.textDocument.uri === uri) {
      for (const e of dc.edits) {
        const snippet = (e as { snippet?: { value: string } }).snippet;
        // A snippet edit: strip the tab stop syntax to get the text the client inserts.
        out.push(snippet ? { range: e.range, newText: snippet.value.replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\\([\\$}])/g, '$1') } : (e as TextEdit));
      }
    }
  }
  return out;
}

export class TestClient {
  readonly conn: ProtocolConnection;
  readonly child: ChildProcess;
  readonly stderr: string[] = [];
  readonly logs: string[] = [];
  readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  readonly publishes: PublishDiagnosticsParams[] = [];
  readonly configRequests: Array<{ scopeUri?: string; section?: string }> = [];
  readonly registrations: Array<{ id?: string; method: string; registerOptions?: unknown }> = [];
  readonly unregistrations: string[] = [];
  refreshes = 0;
  settings: Record<string, unknown>;
  exitCode: Promise<number | null>;
  private readonly waiters: Array<Waiter<PublishDiagnosticsParams>> = [];
  private readonly refreshWaiters: Array<() => void> = [];
  private readonly versions = new Map<string, number>();
  readonly texts = new Map<string, string>();

  constructor(readonly options: ClientOptions) {
    this.settings = options.settings ?? {};
    this.child = spawn(process.execPath, [options.server ?? SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr!.on('data', (d: Buffer) => this.stderr.push(d.toString()));
    this.exitCode = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
    this.conn = createProtocolConnection(new StreamMessageReader(this.child.stdout!), new StreamMessageWriter(this.child.stdin!));
    this.conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.diagnostics.set(p.uri, p);
      this.publishes.push(p);
      for (const w of [...this.waiters]) {
        if (w.pred(p)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(p);
        }
      }
    });
    this.conn.onNotification('window/logMessage', (p: { message: string }) => {
      this.logs.push(p.message);
    });
    this.conn.onRequest('workspace/configuration', (p: { items: Array<{ scopeUri?: string; section?: string }> }) => {
      this.configRequests.push(...p.items);
      return p.items.map(() => this.settings);
    });
    this.conn.onRequest('client/registerCapability', (p: { registrations: Array<{ method: string; registerOptions?: unknown }> }) => {
      this.registrations.push(...p.registrations);
      return null;
    });
    this.conn.onRequest('client/unregisterCapability', (p: { unregisterations: Array<{ id: string }> }) => {
      this.unregistrations.push(...p.unregisterations.map((u) => u.id));
      return null;
    });
    this.conn.onRequest('workspace/diagnostic/refresh', () => {
      this.refreshes++;
      for (const f of this.refreshWaiters.splice(0)) f();
      return null;
    });
    this.conn.listen();
  }

  capabilities(): ClientCapabilities {
    const caps: ClientCapabilities = {
      workspace: {
        configuration: true,
        didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true },
        workspaceEdit: { documentChanges: true },
        diagnostics: { refreshSupport: true },
        workspaceFolders: true,
      },
      textDocument: {
        publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true },
        hover: { contentFormat: ['markdown', 'plaintext'] },
        completion: { completionItem: { snippetSupport: false } },
        codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } },
      },
    };
    if (this.options.pull) caps.textDocument!.diagnostic = { dynamicRegistration: false, relatedDocumentSupport: false };
    if (this.options.snippetEdits) (caps.workspace!.workspaceEdit as Record<string, unknown>).snippetEditSupport = true;
    return caps;
  }

  async initialize(): Promise<Record<string, unknown>> {
    const result = (await this.conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(this.options.root).href,
      workspaceFolders: [{ uri: pathToFileURL(this.options.root).href, name: 'ws' }],
      capabilities: this.capabilities(),
      initializationOptions: { debounceMs: this.options.debounceMs ?? 10, ...this.options.init },
    })) as Record<string, unknown>;
    await this.conn.sendNotification('initialized', {});
    return result;
  }

  /** The next publish that satisfies `pred`, or the current one if it already does. */
  waitForDiagnostics(uri: string, pred: (p: PublishDiagnosticsParams) => boolean = () => true, includeCurrent = true): Promise<PublishDiagnosticsParams> {
    const cur = this.diagnostics.get(uri);
    if (includeCurrent && cur && pred(cur)) return Promise.resolve(cur);
    return new Promise((resolve) => this.waiters.push({ pred: (p) => p.uri === uri && pred(p), resolve }));
  }

  nextRefresh(): Promise<void> {
    return new Promise((resolve) => this.refreshWaiters.push(resolve));
  }

  readFile(rel: string): string {
    return readFileSync(path.join(this.options.root, rel), 'utf8');
  }

  uri(rel: string): string {
    return uriOf(this.options.root, rel);
  }

  async open(rel: string, text = this.readFile(rel)): Promise<string> {
    const uri = this.uri(rel);
    this.versions.set(uri, 1);
    this.texts.set(uri, text);
    await this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    return uri;
  }

  /** Replace the whole text of an open document; returns the new version. */
  async change(uri: string, text: string): Promise<number> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    this.texts.set(uri, text);
    await this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
    return version;
  }

  async close(uri: string): Promise<void> {
    await this.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  async pull(uri: string, previousResultId?: string): Promise<{ kind: string; items?: Diagnostic[]; resultId?: string }> {
    return this.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri }, previousResultId });
  }

  async shutdown(): Promise<number | null> {
    await this.conn.sendRequest('shutdown');
    await this.conn.sendNotification('exit');
    const code = await this.exitCode;
    this.conn.dispose();
    return code;
  }

  kill(): void {
    this.conn.dispose();
    this.child.kill();
  }
}

export const codes = (ds: readonly Diagnostic[]): string[] => ds.map((d) => String(d.code)).sort();
