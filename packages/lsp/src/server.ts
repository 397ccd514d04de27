#!/usr/bin/env node
// The aigate language server over stdio (--stdio), node IPC (--node-ipc) or a socket (--socket=N),
// as vscode-languageserver picks from the command line.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './start.js';

const connection = createConnection(ProposedFeatures.all);
// One bad input must not take the editor's server down: log what escaped every handler and go on.
process.on('uncaughtException', (err) => {
  try {
    connection.console.error(`aigate: unexpected error: ${err.stack ?? err.message}`);
  } catch {
    // nothing to report to
  }
});
process.on('unhandledRejection', (err) => {
  try {
    connection.console.error(`aigate: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  } catch {
    // nothing to report to
  }
});
startServer(connection);
connection.listen();
