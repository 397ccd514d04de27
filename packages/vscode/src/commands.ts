// The commands the extension contributes (package.json `contributes.commands`). A test keeps both in step,
// and `activate` must register a handler for each (the handler table is typed by this list).

export const COMMANDS = {
  restartServer: 'aigate.restartServer',
  showOutput: 'aigate.showOutput',
  listRules: 'aigate.listRules',
  explainRule: 'aigate.explainRule',
} as const;

export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];

/** The id of the status bar item (stable, so users can hide or move it). */
export const STATUS_ITEM_ID = 'aigate.status';
