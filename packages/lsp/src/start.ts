import * as nodePath from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { policyFromText, type Finding, type Severity } from '@aigate/core';
import { DEFAULT_MAX_FILE_SIZE } from '@aigate/core/node';
import {
  DidChangeWatchedFilesNotification,
  DocumentDiagnosticReportKind,
  FileChangeType,
  TextDocuments,
  TextDocumentSyncKind,
  WatchKind,
  type ClientCapabilities,
  type Connection,
  type Diagnostic,
  type Disposable,
  type DocumentDiagnosticReport,
  type InitializeParams,
  type InitializeResult,
  type WorkspaceDocumentDiagnosticReport,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { registerFeatures } from './features.js';
import { atLeast, toDiagnostic } from './convert.js';
import { Roots, type Root } from './roots.js';
import { Scheduler } from './scheduler.js';
import { Settings, settingsKey, type AigateSettings } from './settings.js';

export interface ServerOptions {
  /** Quiet period after an edit before the analysis runs (ms). initializationOptions.debounceMs overrides it. */
  debounceMs?: number;
  /** "Today", for expiry and retirement dates. */
  now?: () => Date;
  /** Files larger than this are reported, not analysed (bytes). */
  maxFileSize?: number;
}

export const DEFAULT_DEBOUNCE_MS = 20;

/** Everything the feature handlers share. */
export interface ServerState {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  roots: Roots;
  settings: Settings;
  scheduler: Scheduler;
  capabilities: ClientCapabilities;
  /** Wait until the workspace is read and pending edits are analysed. */
  current(): Promise<void>;
  /** The root and relative path of a document URI. */
  locate(uri: string): { root: Root; rel: string } | undefined;
  log(message: string): void;
  /** Run a handler; an exception is logged and answered with the fallback. */
  safe<T>(name: string, fallback: T, fn: () => T | Promise<T>): Promise<T>;
}

function visible(findings: readonly Finding[], s: AigateSettings): Finding[] {
  if (!s.enable) return [];
  return findings.filter((f) => atLeast(f.severity, s.minimumSeverity as Severity));
}

/** Start the aigate language server on a connection (stdio, IPC, or streams in tests). */
export function startServer(connection: Connection, options: ServerOptions = {}): void {
  const documents = new TextDocuments(TextDocument);
  const now = options.now ?? (() => new Date());
  let debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
  let maxFileSize = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  /** initializationOptions.policyPath: the policy file for folders whose settings name none. */
  let initPolicyPath: string | undefined;
  let roots = new Roots(now, maxFileSize);
  let capabilities: ClientCapabilities = {};
  let pull = false;
  let refreshSupport = false;
  let initialized: Promise<void> = Promise.resolve();
  let markReady: () => void = () => {};
  const ready = new Promise<void>((r) => (markReady = r));
  /** What was last published per URI (push mode), and the version of the document it was for. */
  const published = new Map<string, string>();
  /** Document versions whose text is in the index, per URI. */
  const analysedVersion = new Map<string, number>();

  const log = (message: string): void => {
    try {
      connection.console.log(message);
    } catch {
      // the connection is gone: nothing to log to
    }
  };
  const safe = async <T>(name: string, fallback: T, fn: () => T | Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      try {
        connection.console.error(`aigate: ${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      } catch {
        // nothing to report to
      }
      return fallback;
    }
  };

  const settings = new Settings(connection, () => capabilities);
  const scheduler = new Scheduler(() => debounceMs, () => analyse(), (err) => log(`aigate: analysis failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`));
  const dirtyDocs = new Set<string>();
  const locate = (uri: string): { root: Root; rel: string } | undefined => roots.locate(uri, true);

  const state: ServerState = {
    connection,
    documents,
    get roots() {
      return roots;
    },
    settings,
    scheduler,
    get capabilities() {
      return capabilities;
    },
    current: async () => {
      await ready;
      await initialized;
      await scheduler.flush();
    },
    locate,
    log,
    safe,
  };

  /** One analysis: take the editors' texts, evaluate every root that changed, publish what changed. */
  async function analyse(): Promise<void> {
    const touchedUris = new Set<string>();
    for (const uri of dirtyDocs) {
      const doc = documents.get(uri);
      if (!doc || !locate(uri)) continue;
      // A policy file several folders read goes to each of them.
      for (const where of roots.locateAll(uri)) {
        where.root.open.set(where.rel, uri);
        where.root.setEditorText(where.rel, doc.getText());
      }
      analysedVersion.set(uri, doc.version);
      touchedUris.add(uri);
    }
    dirtyDocs.clear();
    const changed: Array<{ root: Root; rel: string }> = [];
    let others = false;
    for (const root of roots.all()) {
      if (!root.index.pending) continue;
      const update = root.index.evaluate();
      for (const rel of new Set([...update.changed, ...update.touched])) {
        changed.push({ root, rel });
        if (!touchedUris.has(root.uriOf(rel))) others = true;
      }
    }
    if (!changed.length && !touchedUris.size) return;
    if (pull) {
      // The client pulls the edited documents itself; other files changed too: ask it to pull again.
      if (others && refreshSupport) await safe('diagnostic refresh', undefined, () => connection.sendRequest('workspace/diagnostic/refresh'));
      return;
    }
    const done = new Set<string>();
    for (const { root, rel } of changed) {
      done.add(root.uriOf(rel));
      await publish(root, rel);
    }
    // Opened or edited documents get diagnostics for their version even when their findings did not change.
    for (const uri of touchedUris) {
      const where = roots.locate(uri);
      if (where && !done.has(uri)) await publish(where.root, where.rel);
    }
  }

  async function publish(root: Root, rel: string): Promise<void> {
    const uri = root.uriOf(rel);
    const doc = documents.get(uri);
    const s = await settings.forResource(doc ? uri : root.uriOf('.'), root);
    // A newer edit arrived while the settings were fetched: the next run publishes for it.
    if (doc && analysedVersion.get(uri) !== doc.version) return;
    const diagnostics = visible(root.index.findings(rel), s).map((f) => toDiagnostic(root, f));
    const key = `${doc?.version ?? ''}\u0000${JSON.stringify(diagnostics)}`;
    if (published.get(uri) === key) return;
    if (!diagnostics.length && !published.has(uri) && !doc) return;
    published.set(uri, key);
    await connection.sendDiagnostics({ uri, version: doc?.version, diagnostics });
  }

  function diagnosticsOf(root: Root, rel: string, s: AigateSettings): Diagnostic[] {
    return visible(root.index.findings(rel), s).map((f) => toDiagnostic(root, f));
  }

  async function loadRoot(root: Root): Promise<void> {
    const started = Date.now();
    await root.load(log);
    log(`aigate: read ${root.index.size} files of ${root.dir} in ${Date.now() - started} ms`);
    scheduler.schedule();
  }

  /** The policy file a folder's settings name (absolute), or undefined for the folder's own aigate.yaml. */
  async function configuredPolicy(root: Root): Promise<string | undefined> {
    const s = await settings.forResource(pathToFileURL(root.dir).href, root);
    const raw = s.policyPath ?? initPolicyPath;
    return raw ? nodePath.resolve(root.dir, raw) : undefined;
  }

  /**
   * Apply a folder's policy path setting. When it changed, the folder's index starts over: the open
   * documents in it are taken again, and the caller reads the folder again. Returns whether it changed.
   */
  async function configure(root: Root): Promise<boolean> {
    if (root.adhoc || !root.setPolicyFile(await configuredPolicy(root))) return false;
    if (root.policyFile) log(`aigate: ${root.dir} reads its policy from ${root.policyFile} (aigate.policyPath)`);
    for (const doc of documents.all()) if (roots.locateAll(doc.uri).some((w) => w.root === root)) dirtyDocs.add(doc.uri);
    await watchPolicyFiles();
    return true;
  }

  let policyWatch: Promise<Disposable> | undefined;
  /** Ask the client to watch configured policy files outside every folder (inside, the folder watchers see them). */
  async function watchPolicyFiles(): Promise<void> {
    const outside = [...new Set(roots.all().map((r) => r.policyFile).filter((f): f is string => !!f && !roots.all().some((r) => r.contains(f))))];
    const previous = policyWatch;
    policyWatch = undefined;
    if (previous) await previous.then((d) => d.dispose(), () => {});
    const watched = capabilities.workspace?.didChangeWatchedFiles;
    if (!outside.length || !watched?.dynamicRegistration) return;
    if (!watched.relativePatternSupport) {
      log(`aigate: this editor cannot watch files outside the workspace; changes to ${outside.join(', ')} on disk are read when the file is opened or the server restarts`);
      return;
    }
    policyWatch = connection.client.register(DidChangeWatchedFilesNotification.type, {
      watchers: outside.map((f) => ({ globPattern: { baseUri: pathToFileURL(nodePath.dirname(f)).href, pattern: nodePath.basename(f) } })),
    });
    await policyWatch.catch((err: unknown) => log(`aigate: could not watch ${outside.join(', ')}: ${String(err)}`));
  }

  /** After a folder's index started over: every file it published for is published again (push mode). */
  async function republish(root: Root): Promise<void> {
    if (pull) return;
    for (const uri of [...published.keys()]) {
      const where = roots.locateAll(uri).find((w) => w.root === root);
      if (where) await publish(root, where.rel);
      else if (roots.locate(uri)?.root === root) {
        published.delete(uri);
        await connection.sendDiagnostics({ uri, diagnostics: [] });
      }
    }
  }

  connection.onInitialize(
    (params: InitializeParams): InitializeResult =>
      // Initialization must answer even when something in it fails: the fallback is a server with no features.
      (() => {
        try {
          capabilities = params.capabilities ?? {};
          const init = (params.initializationOptions ?? {}) as { debounceMs?: unknown; maxFileSize?: unknown; policyPath?: unknown };
          if (typeof init.policyPath === 'string' && init.policyPath.trim()) initPolicyPath = init.policyPath.trim();
          if (typeof init.debounceMs === 'number' && init.debounceMs >= 0 && init.debounceMs <= 10_000) debounceMs = init.debounceMs;
          if (typeof init.maxFileSize === 'number' && init.maxFileSize > 0) maxFileSize = init.maxFileSize;
          roots = new Roots(now, maxFileSize);
          pull = !!capabilities.textDocument?.diagnostic;
          refreshSupport = !!capabilities.workspace?.diagnostics?.refreshSupport;
          const folders = params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: 'root' }] : params.rootPath ? [{ uri: `file://${params.rootPath}`, name: 'root' }] : []);
          for (const f of folders) {
            try {
              roots.add(fileURLToPath(f.uri));
            } catch {
              log(`aigate: workspace folder ${f.uri} is not a local folder; skipped`);
            }
          }
        } catch (err) {
          log(`aigate: initialize: ${String(err)}`);
        }
        const result: InitializeResult = {
          capabilities: {
            textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: false },
            hoverProvider: true,
            codeActionProvider: { codeActionKinds: ['quickfix'], resolveProvider: false },
            codeLensProvider: { resolveProvider: false },
            completionProvider: { triggerCharacters: [':', ' ', '/', '-'], resolveProvider: false },
            workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
          },
          serverInfo: { name: 'aigate', version: '0.1.0' },
        };
        if (pull) result.capabilities.diagnosticProvider = { identifier: 'aigate', interFileDependencies: true, workspaceDiagnostics: true };
        return result;
      })(),
  );

  connection.onInitialized(() => {
    void safe('initialized', undefined, async () => {
      if (capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration) {
        await connection.client.register(DidChangeWatchedFilesNotification.type, {
          watchers: [
            { globPattern: '**/*.{yml,yaml}' },
            { globPattern: '**/.gitignore' },
            // Folders created, renamed or deleted arrive as one event for the folder.
            { globPattern: '**/*', kind: WatchKind.Create | WatchKind.Delete },
          ],
        });
      }
      if (capabilities.workspace?.workspaceFolders) {
        connection.workspace.onDidChangeWorkspaceFolders((e) => {
          void safe('workspace folders', undefined, async () => {
            for (const f of e.removed) {
              const root = roots.remove(fileURLToPath(f.uri));
              if (root) for (const rel of root.index.paths()) if (!pull) await connection.sendDiagnostics({ uri: root.uriOf(rel), diagnostics: [] });
            }
            for (const f of e.added) {
              const root = roots.add(fileURLToPath(f.uri));
              await configure(root);
              await loadRoot(root);
            }
          });
        });
      }
    });
    initialized = (async () => {
      for (const r of roots.all()) await safe(`settings of ${r.dir}`, undefined, () => configure(r));
      await Promise.all(roots.all().map((r) => safe(`reading ${r.dir}`, undefined, () => loadRoot(r))));
    })();
    void initialized.then(markReady);
  });

  connection.onDidChangeConfiguration(() => {
    void safe('configuration change', undefined, async () => {
      settings.clear();
      // A folder whose policy path changed is read again under the other policy.
      await ready;
      for (const root of [...roots.all()]) {
        if (!(await configure(root))) continue;
        await loadRoot(root);
        await scheduler.flush();
        await republish(root);
      }
      if (pull) {
        if (refreshSupport) await connection.sendRequest('workspace/diagnostic/refresh');
      } else {
        await ready;
        for (const root of roots.all()) for (const rel of root.index.paths()) await publish(root, rel);
      }
    });
  });

  documents.onDidChangeContent((e) => {
    const where = locate(e.document.uri);
    if (!where) return;
    if (!/\.ya?ml$/i.test(where.rel) && !where.root.index.has(where.rel)) return;
    where.root.open.set(where.rel, e.document.uri);
    dirtyDocs.add(e.document.uri);
    scheduler.schedule();
  });

  documents.onDidClose((e) => {
    void safe('close', undefined, async () => {
      dirtyDocs.delete(e.document.uri);
      analysedVersion.delete(e.document.uri);
      const all = roots.locateAll(e.document.uri);
      if (!all.length) return;
      for (const where of all) {
        where.root.open.delete(where.rel);
        // The file goes back to what the disk says.
        await where.root.refreshFromDisk(where.rel);
        if (where.root.adhoc) where.root.index.removeFile(where.rel);
      }
      published.delete(e.document.uri);
      if (!pull) await connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
      scheduler.schedule();
    });
  });

  connection.onDidChangeWatchedFiles((params) => {
    void safe('watched files', undefined, async () => {
      await ready;
      for (const change of params.changes) for (const where of roots.locateAll(change.uri)) {
        if (where.root.adhoc) continue;
        const { root, rel } = where;
        const base = nodePath.posix.basename(rel);
        if (base === '.gitignore') {
          await loadRoot(root);
          continue;
        }
        if (change.type === FileChangeType.Deleted) {
          // A deleted folder takes its files with it.
          for (const gone of root.index.removeFolder(rel)) if (!pull && !root.open.has(gone)) await connection.sendDiagnostics({ uri: root.uriOf(gone), diagnostics: [] });
          if (!root.open.has(rel)) root.index.removeFile(rel);
          continue;
        }
        if (!/\.ya?ml$/i.test(rel)) {
          // A folder created or moved in: read the folder again.
          if (change.type === FileChangeType.Created && !root.index.has(rel)) {
            const isDir = await import('node:fs').then((fs) => fs.promises.stat(nodePath.join(root.dir, rel)).then((s) => s.isDirectory(), () => false));
            if (isDir) await loadRoot(root);
          }
          continue;
        }
        const policyIgnoreBefore = root.isPolicy(rel) ? root.index.policy.policy.ignore.join('\n') : undefined;
        await root.refreshFromDisk(rel);
        if (root.isPolicy(rel) && !root.open.has(rel)) {
          // A policy whose `ignore` changed selects other files: read the folder again.
          const text = root.index.text(rel);
          const ignoreNow = text === undefined ? '' : policyFromText(rel, text).policy.ignore.join('\n');
          if (ignoreNow !== policyIgnoreBefore) await loadRoot(root);
        }
      }
      // Files deleted from disk leave published diagnostics behind in push mode.
      if (!pull) for (const root of roots.all()) for (const uri of [...published.keys()]) if (roots.locate(uri)?.root === root && !root.index.has(roots.locate(uri)!.rel) && !documents.get(uri)) {
        published.delete(uri);
        await connection.sendDiagnostics({ uri, diagnostics: [] });
      }
      scheduler.schedule();
    });
  });

  // Pull diagnostics.
  connection.languages.diagnostics.on(async (params) =>
    safe<DocumentDiagnosticReport>('document diagnostics', { kind: DocumentDiagnosticReportKind.Full, items: [] }, async () => {
      await state.current();
      const where = locate(params.textDocument.uri);
      if (!where) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
      const { root, rel } = where;
      const s = await settings.forResource(params.textDocument.uri, root);
      const resultId = `${root.index.resultId(rel)}:${settingsKey(s)}`;
      if (params.previousResultId === resultId) return { kind: DocumentDiagnosticReportKind.Unchanged, resultId };
      return { kind: DocumentDiagnosticReportKind.Full, resultId, items: diagnosticsOf(root, rel, s) };
    }),
  );

  connection.languages.diagnostics.onWorkspace(async (params) =>
    safe('workspace diagnostics', { items: [] as WorkspaceDocumentDiagnosticReport[] }, async () => {
      await state.current();
      const previous = new Map(params.previousResultIds.map((p) => [p.uri, p.value] as const));
      const items: WorkspaceDocumentDiagnosticReport[] = [];
      for (const root of roots.all()) {
        const s = await settings.forResource(root.uriOf('.'), root);
        const files = new Set(root.index.filesWithFindings());
        for (const uri of previous.keys()) {
          const w = roots.locate(uri);
          if (w?.root === root) files.add(w.rel);
        }
        for (const rel of files) {
          const uri = root.uriOf(rel);
          const doc = documents.get(uri);
          const fileSettings = doc ? await settings.forResource(uri, root) : s;
          const resultId = `${root.index.resultId(rel)}:${settingsKey(fileSettings)}`;
          const version = doc?.version ?? null;
          if (previous.get(uri) === resultId) items.push({ kind: DocumentDiagnosticReportKind.Unchanged, uri, version, resultId });
          else items.push({ kind: DocumentDiagnosticReportKind.Full, uri, version, resultId, items: diagnosticsOf(root, rel, fileSettings) });
        }
      }
      return { items };
    }),
  );

  registerFeatures(state);

  connection.onShutdown(() => {
    log('aigate: shutting down');
  });

  documents.listen(connection);
}
