import type { Env } from './runner/io.js';

/** What a command gets from its host: the environment, the folder it runs in, and the job log. */
export interface ActionRuntime {
  env: Env;
  cwd: string;
  /** One line to the job log (stdout). */
  log(line: string): void;
}
