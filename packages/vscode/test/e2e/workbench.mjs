/* global document -- functions passed to page.evaluate/waitForFunction run in the browser */
// Drives the VS Code workbench (served by code-server) through playwright-core, the way a person would:
// keyboard shortcuts, the command palette, the Problems panel. Every step waits on what the UI shows.

export const STATUS_ITEM = '[id="aigate.aigate-vscode.aigate.status"]';
const QUICK_INPUT = '.quick-input-widget';
const QUICK_INPUT_FIELD = `${QUICK_INPUT} .quick-input-box input`;
const QUICK_ROWS = `${QUICK_INPUT} .quick-input-list .monaco-list-row`;

/** Opens the workbench on `folder` and waits until the aigate status item is shown (the extension is active). */
export async function openWorkbench(page, url, folder, timeout) {
  await page.goto(`${url}?folder=${encodeURIComponent(folder)}`);
  await page.locator('.monaco-workbench').waitFor({ timeout });
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout });
  await page.locator(STATUS_ITEM).waitFor({ timeout });
}

/** The aigate status item's text and its accessible label. */
export async function statusItem(page) {
  const item = page.locator(STATUS_ITEM);
  return { text: ((await item.textContent()) ?? '').trim(), label: (await item.getAttribute('aria-label')) ?? '' };
}

/** Waits until the aigate status item's text matches `pattern`; returns the text. */
export async function waitForStatus(page, pattern, timeout) {
  const handle = await page.waitForFunction(
    ([selector, source, flags]) => {
      const text = document.querySelector(selector)?.textContent?.trim() ?? '';
      return new RegExp(source, flags).test(text) ? text : false;
    },
    [STATUS_ITEM, pattern.source, pattern.flags],
    { timeout },
  );
  return handle.jsonValue();
}

/** Waits until the aigate status item's accessible label (its tooltip) matches `pattern`. */
export async function waitForStatusLabel(page, pattern, timeout) {
  await page.waitForFunction(
    ([selector, source, flags]) => new RegExp(source, flags).test(document.querySelector(selector)?.getAttribute('aria-label') ?? ''),
    [STATUS_ITEM, pattern.source, pattern.flags],
    { timeout },
  );
}

/** Errors + warnings + infos as the workbench's own Problems status item counts them. */
export async function workbenchProblemCount(page) {
  const text = (await page.locator('[id="status.problems"]').textContent()) ?? '';
  return (text.match(/\d+/g) ?? []).map(Number).reduce((a, b) => a + b, 0);
}

/** Gives the keyboard to the workbench (after a click in a neutral place: the status bar's empty area). */
export async function focusWorkbench(page) {
  await page.locator('.monaco-workbench .part.editor').click({ position: { x: 5, y: 5 } });
}

async function openQuickInput(page, shortcut) {
  await page.keyboard.press(shortcut);
  await page.locator(QUICK_INPUT_FIELD).waitFor({ state: 'visible' });
}

async function closeQuickInputIfOpen(page) {
  if (await page.locator(QUICK_INPUT).isVisible()) {
    await page.keyboard.press('Escape');
    await page.locator(QUICK_INPUT).waitFor({ state: 'hidden' });
  }
}

/** Picks the row of the open quick input whose accessible label satisfies `match`, by moving the focus to it. */
async function pickRow(page, match, what) {
  await page.locator(QUICK_ROWS).first().waitFor({ state: 'visible' });
  const labels = await page.locator(QUICK_ROWS).evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? ''));
  const index = labels.findIndex(match);
  if (index < 0) throw new Error(`no ${what} among: ${labels.join(' | ')}`);
  await page.locator(QUICK_ROWS).nth(index).click();
}

/** Runs a command from the command palette by its full title (for example `aigate: List Rules`). */
export async function runCommand(page, title) {
  await closeQuickInputIfOpen(page);
  await openQuickInput(page, 'F1');
  await page.locator(QUICK_INPUT_FIELD).fill(`>${title}`);
  await page.locator(`${QUICK_ROWS}[aria-label^="${title.replace(/"/g, '\\"')}"]`).first().waitFor({ state: 'visible' });
  await pickRow(page, (label) => label === title || label.startsWith(`${title},`) || label.startsWith(`${title} `), `command "${title}"`);
}

/** Answers an open quick pick: types `filter` and picks the row whose label starts with `label`. */
export async function answerQuickPick(page, filter, label) {
  await page.locator(QUICK_INPUT_FIELD).fill(filter);
  await page.locator(`${QUICK_ROWS}[aria-label^="${label}"]`).first().waitFor({ state: 'visible' });
  await pickRow(page, (l) => l.startsWith(label), `entry "${label}"`);
}

/** Opens a workspace file with Quick Open (Ctrl+P) and waits for its editor tab to be the active one. */
export async function openFile(page, relativePath) {
  await closeQuickInputIfOpen(page);
  await openQuickInput(page, 'Control+P');
  await page.locator(QUICK_INPUT_FIELD).fill(relativePath);
  const name = relativePath.split('/').pop();
  const folder = relativePath.split('/').slice(0, -1).join('/');
  await pickRow(page, (label) => label.startsWith(`${name} `) && (folder === '' || label.includes(folder)), `file ${relativePath}`);
  await activeTab(page, name).waitFor();
  await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().waitFor();
}

/** The active editor tab whose label starts with `name`. */
export function activeTab(page, name) {
  return page.locator(`.editor-group-container.active .tab.active[aria-label^="${name}"]`);
}

/** Moves the cursor with Go to Line (Ctrl+G), 1-based line and column. */
export async function goToLine(page, line, column) {
  await closeQuickInputIfOpen(page);
  await openQuickInput(page, 'Control+G');
  await page.locator(QUICK_INPUT_FIELD).fill(`:${line}:${column}`);
  await page.keyboard.press('Enter');
  await page.locator(QUICK_INPUT).waitFor({ state: 'hidden' });
  await page.waitForFunction(
    ([l, c]) => document.querySelector('[id="status.editor.selection"]')?.textContent?.includes(`Ln ${l}, Col ${c}`),
    [line, column],
  );
}

/** The lines the active editor shows, top to bottom (Monaco reuses line elements, so order by position). */
export async function visibleEditorLines(page) {
  return page
    .locator('.editor-group-container.active .monaco-editor .view-lines')
    .first()
    .evaluate((el) =>
      [...el.querySelectorAll('.view-line')]
        .map((line) => ({ top: parseFloat(line.style.top) || 0, text: (line.textContent ?? '').replace(/\u00a0/g, ' ') }))
        .sort((a, b) => a.top - b.top)
        .map((line) => line.text),
    );
}

/** Shows the Problems panel (Ctrl+Shift+M). */
export async function showProblems(page) {
  if (!(await page.locator('.markers-panel').isVisible())) {
    await page.keyboard.press('Control+Shift+M');
  }
  await page.locator('.markers-panel').waitFor({ state: 'visible' });
}

/**
 * Runs in the page: reads the Problems panel's rows as { file, rule, source, line, message, error } and, when
 * `want` is given, returns them only if every `want.present` entry has a row (same file and rule, and line when
 * given) and no `want.absent` entry does; otherwise false. Both arguments travel into the page as JSON.
 */
function problemsInPage(want) {
  const rows = [];
  let file = '';
  for (const row of document.querySelectorAll('.markers-panel .monaco-list-row')) {
    // Level 1: a file; level 2: a problem in it; level 3: a related location of that problem (skipped).
    const level = row.getAttribute('aria-level');
    if (level === '1') {
      const m = /in file (.+?)(?: of folder (.+))?$/.exec(row.getAttribute('aria-label') ?? '');
      file = m ? (m[2] ? `${m[2]}/${m[1]}` : m[1]) : '';
      continue;
    }
    if (level !== '2') continue;
    const at = /\[Ln (\d+), Col (\d+)\]/.exec(row.querySelector('.marker-line')?.textContent ?? '');
    rows.push({
      file,
      rule: row.querySelector('.marker-code')?.textContent?.trim() ?? '',
      source: row.querySelector('.marker-source')?.textContent?.trim() ?? '',
      line: at ? Number(at[1]) : 0,
      message: row.querySelector('.marker-message')?.textContent?.trim() ?? '',
      error: row.querySelector('.marker-icon')?.classList.contains('error') ?? false,
    });
  }
  if (!want) return rows;
  const has = (e) => rows.some((r) => r.file === e.file && r.rule === e.rule && (e.line === undefined || r.line === e.line));
  return (want.present ?? []).every(has) && !(want.absent ?? []).some(has) ? rows : false;
}

async function withMaximizedPanel(page, action) {
  await showProblems(page);
  await runCommand(page, 'View: Toggle Maximized Panel');
  try {
    return await action();
  } finally {
    await runCommand(page, 'View: Toggle Maximized Panel');
  }
}

/** Every row of the Problems panel (maximized while read: its list renders only the rows in view). */
export async function readProblems(page) {
  return withMaximizedPanel(page, () => page.evaluate(problemsInPage, null));
}

/**
 * Waits until the Problems panel lists every `present` finding ({ file, rule, line? }, line 1-based) and none of
 * the `absent` ones; returns its rows. Fails after `timeout` ms, saying what the panel showed.
 */
export async function waitForProblems(page, { present = [], absent = [] }, timeout) {
  return withMaximizedPanel(page, async () => {
    try {
      const handle = await page.waitForFunction(problemsInPage, { present, absent }, { timeout });
      return await handle.jsonValue();
    } catch (e) {
      const rows = await page.evaluate(problemsInPage, null);
      const shown = rows.map((r) => `  ${r.file}:${r.line} ${r.rule}`).join('\n') || '  (nothing)';
      throw new Error(`${e instanceof Error ? e.message.split('\n')[0] : e}\nthe Problems panel shows:\n${shown}`);
    }
  });
}

/**
 * Opens the Quick Fix menu (Ctrl+.) at the cursor and applies the action whose title matches `title`,
 * moving the menu's focus to it with the arrow keys. Returns the titles the menu offered.
 */
export async function applyQuickFix(page, title) {
  await page.keyboard.press('Control+.');
  const rows = page.locator('.action-widget .monaco-list-row.action');
  await rows.first().waitFor({ state: 'visible' });
  const titles = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  const index = titles.findIndex((t) => title.test(t));
  if (index < 0) {
    await page.keyboard.press('Escape');
    throw new Error(`no quick fix matching ${title} among: ${titles.join(' | ')}`);
  }
  for (let i = 0; i < titles.length; i++) {
    const focused = (await page.locator('.action-widget .monaco-list-row.action.focused').getAttribute('aria-label')) ?? '';
    if (title.test(focused)) break;
    await page.keyboard.press('ArrowDown');
  }
  await page.keyboard.press('Enter');
  await page.locator('.action-widget').waitFor({ state: 'hidden' });
  return titles;
}

/** The document shown in the active Markdown preview (a webview: two nested frames). */
export function activePreview(page) {
  // Webviews are laid over the editor from the workbench's root, not inside the editor part.
  return page.frameLocator('iframe.webview.ready >> visible=true').frameLocator('#active-frame');
}

/** Opens the Settings editor (Ctrl+,), searches for `id` and toggles that boolean setting; returns its new value. */
export async function toggleBooleanSetting(page, id) {
  await page.keyboard.press('Control+,');
  await page.waitForFunction(() => document.activeElement?.closest('.settings-editor .settings-header'));
  await page.keyboard.press('Control+A');
  await page.keyboard.type(id);
  const box = page.locator(`.settings-editor .setting-value-checkbox[aria-label="${id}"]`);
  await box.waitFor({ state: 'visible' });
  const before = await box.getAttribute('aria-checked');
  await box.click();
  await page.waitForFunction(
    ([selector, old]) => document.querySelector(selector)?.getAttribute('aria-checked') !== old,
    [`.settings-editor .setting-value-checkbox[aria-label="${id}"]`, before],
  );
  return before !== 'true';
}
