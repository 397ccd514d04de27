import { runCheckCommand } from './commands/check.js';
import { runGateCommand } from './commands/gate.js';
import { annotationCommand, getInput, InputError, plainLine } from './runner/io.js';
import type { ActionRuntime } from './runtime.js';

export type Command = (rt: ActionRuntime) => Promise<number>;

/** The action's commands, chosen by the `command` input. */
export const COMMANDS: Readonly<Record<string, Command>> = {
  check: runCheckCommand,
  gate: runGateCommand,
};

/** Run the command the inputs name; returns the exit code. Never throws: failures become an error annotation. */
export async function main(rt: ActionRuntime): Promise<number> {
  try {
    const name = (getInput(rt.env, 'command') ?? 'check').toLowerCase();
    const command = COMMANDS[name];
    if (!command) throw new InputError(`input 'command' takes ${Object.keys(COMMANDS).join(', ')}, not '${name}'`);
    return await command(rt);
  } catch (err) {
    if (err instanceof InputError) {
      rt.log(annotationCommand('error', err.message, { title: 'aigate: invalid input' }));
      return 1;
    }
    const e = err as Error;
    rt.log(annotationCommand('error', `aigate stopped on an unexpected error: ${e.message}`, { title: 'aigate: internal error' }));
    for (const line of String(e.stack ?? '').split('\n')) rt.log(plainLine(line));
    return 1;
  }
}
