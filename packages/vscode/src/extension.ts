// The aigate extension: runs the language server, shows its state and the number of findings,
// and offers the rule documentation inside VS Code.
import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import { createClient, DOCUMENT_SELECTOR, enabledAnywhere } from './client.js';
import { COMMANDS, STATUS_ITEM_ID, type CommandId } from './commands.js';
import { DOC_SCHEME, INDEX_PATH, docPath, documentText, ruleIdOfCode, rulePickItems } from './rules.js';
import { needsRestart } from './settings.js';
import { DIAGNOSTIC_SOURCE, NO_FINDINGS, countFindings, statusView, type FindingCounts, type ServerState } from './status.js';

/** What `activate` returns: lets tests and other extensions see the server's state and the counts. */
export interface AigateApi {
  readonly state: ServerState;
  readonly counts: FindingCounts;
  /** Fires when the state or the counts change. */
  readonly onDidChange: vscode.Event<void>;
  /** Resolves once the pending start or stop is done. */
  ready(): Promise<void>;
}

class Extension implements AigateApi {
  state: ServerState = 'stopped';
  counts: FindingCounts = { ...NO_FINDINGS };
  private client: LanguageClient | undefined;
  private starting: Promise<void> = Promise.resolve();
  private readonly item: vscode.StatusBarItem;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    readonly output: vscode.LogOutputChannel,
  ) {
    this.item = vscode.window.createStatusBarItem(STATUS_ITEM_ID, vscode.StatusBarAlignment.Left, 10);
    this.item.name = 'aigate';
    this.item.command = 'workbench.actions.view.problems';
    context.subscriptions.push(this.item, this.changed);
    this.render();
  }

  ready(): Promise<void> {
    return this.starting;
  }

  private setState(state: ServerState): void {
    this.state = state;
    this.render();
  }

  private recountQueued = false;

  /** Counts the findings again; a burst of diagnostic changes is counted once. */
  recount(): void {
    if (this.recountQueued) return;
    this.recountQueued = true;
    setTimeout(() => {
      this.recountQueued = false;
      this.counts = countFindings(vscode.languages.getDiagnostics());
      this.render();
    }, 0);
  }

  private render(): void {
    const view = statusView(this.state, this.counts);
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    this.item.backgroundColor = view.alarm ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.show();
    this.changed.fire();
  }

  /** Starts the server unless `aigate.enable` is off. Never throws: a failure shows in the status item and output. */
  start(): Promise<void> {
    this.starting = this.starting.then(() => this.doStart());
    return this.starting;
  }

  private async doStart(): Promise<void> {
    if (this.client) return;
    if (!enabledAnywhere()) {
      this.setState('disabled');
      return;
    }
    this.setState('starting');
    let client: LanguageClient;
    try {
      client = createClient(this.context, this.output);
    } catch (e) {
      this.fail(e);
      return;
    }
    this.client = client;
    client.onDidChangeState((e) => {
      // A deliberate stop forgets the client first, so a stop seen here is the server going away.
      if (this.client !== client) return;
      if (e.newState === State.Running) this.setState('running');
      else if (e.newState === State.Starting) this.setState('starting');
      else this.setState('failed');
    });
    try {
      await client.start();
      this.setState('running');
      this.output.info(`aigate language server started (${DIAGNOSTIC_SOURCE} ${this.context.extension.packageJSON.version as string})`);
    } catch (e) {
      this.fail(e);
    }
  }

  private fail(e: unknown): void {
    this.output.error(`aigate language server failed: ${e instanceof Error ? e.message : String(e)}`);
    this.setState('failed');
  }

  stop(): Promise<void> {
    this.starting = this.starting.then(() => this.doStop());
    return this.starting;
  }

  private async doStop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) {
      try {
        await client.stop(5_000);
      } catch (e) {
        this.output.warn(`aigate language server did not stop cleanly: ${e instanceof Error ? e.message : String(e)}`);
      }
      try {
        await client.dispose();
      } catch {
        // already gone
      }
    }
    this.setState(enabledAnywhere() ? 'stopped' : 'disabled');
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }
}

/** Read-only Markdown documents: the rule list and each rule's documentation. */
class RuleDocs implements vscode.TextDocumentContentProvider {
  provideTextDocumentContent(uri: vscode.Uri): string {
    return documentText(uri.path);
  }
}

async function showMarkdown(uri: vscode.Uri): Promise<void> {
  try {
    await vscode.commands.executeCommand('markdown.showPreview', uri);
  } catch {
    // The Markdown extension is disabled: show the text itself.
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true });
  }
}

function docUri(path: string): vscode.Uri {
  return vscode.Uri.from({ scheme: DOC_SCHEME, path });
}

async function explainRule(ruleId?: unknown): Promise<void> {
  let id = typeof ruleId === 'string' ? ruleId : undefined;
  if (!id) {
    const picked = await vscode.window.showQuickPick(rulePickItems(), {
      title: 'aigate: Explain Rule',
      placeHolder: 'Rule to explain',
      matchOnDescription: true,
      matchOnDetail: true,
    });
    id = picked?.ruleId;
  }
  if (id) await showMarkdown(docUri(docPath(id)));
}

/** Adds "Explain rule …" next to the server's quick fixes, for every aigate diagnostic under the cursor. */
class ExplainActions implements vscode.CodeActionProvider {
  provideCodeActions(_doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const ids = new Set<string>();
    for (const d of context.diagnostics) {
      if (d.source !== DIAGNOSTIC_SOURCE) continue;
      const id = ruleIdOfCode(d.code);
      if (id) ids.add(id);
    }
    return [...ids].map((id) => {
      const action = new vscode.CodeAction(`Explain aigate rule ${id}`, vscode.CodeActionKind.QuickFix);
      action.command = { command: COMMANDS.explainRule, title: action.title, arguments: [id] };
      return action;
    });
  }
}

let current: Extension | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<AigateApi> {
  const output = vscode.window.createOutputChannel('aigate', { log: true });
  context.subscriptions.push(output);
  const ext = new Extension(context, output);
  current = ext;

  const handlers: Record<CommandId, (...args: unknown[]) => unknown> = {
    [COMMANDS.restartServer]: async () => {
      if (!enabledAnywhere()) {
        void vscode.window.showInformationMessage('aigate is disabled in this workspace (setting aigate.enable).');
        return;
      }
      await ext.restart();
    },
    [COMMANDS.showOutput]: () => output.show(true),
    [COMMANDS.listRules]: () => showMarkdown(docUri(INDEX_PATH)),
    [COMMANDS.explainRule]: (ruleId?: unknown) => explainRule(ruleId),
  };
  for (const [id, handler] of Object.entries(handlers)) {
    context.subscriptions.push(vscode.commands.registerCommand(id, handler));
  }

  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(DOC_SCHEME, new RuleDocs()),
    vscode.languages.registerCodeActionsProvider(DOCUMENT_SELECTOR, new ExplainActions(), {
      providedCodeActionKinds: [vscode.CodeActionKind.QuickFix],
    }),
    vscode.languages.onDidChangeDiagnostics(() => ext.recount()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (needsRestart((section) => e.affectsConfiguration(section))) void ext.restart();
    }),
    { dispose: () => void ext.stop() },
  );

  ext.recount();
  void ext.start();
  return ext;
}

export async function deactivate(): Promise<void> {
  const ext = current;
  current = undefined;
  if (ext) await ext.stop();
}
