import { parseArgs } from 'node:util';
import { runCheckCommand } from './commands/check.js';
import { runExplainCommand } from './commands/explain.js';
import { runGateCommand } from './commands/gate.js';
import { runInitCommand } from './commands/init.js';
import { runRulesCommand } from './commands/rules.js';
import { CHECK_HELP, EXPLAIN_HELP, GATE_HELP, INIT_HELP, MAIN_HELP, RULES_HELP } from './help.js';
import { EXIT, UsageError, type Io } from './io.js';
import { VERSION } from './version.js';

export { EXIT, type Io } from './io.js';

type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;
type Parsed = { values: Record<string, string | boolean | undefined>; positionals: string[] };

function parse(args: string[], options: OptionSpec): Parsed {
  try {
    const r = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: r.values as Parsed['values'], positionals: r.positionals };
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ''));
  }
}

/** The aigate command line. Returns the exit code; never throws. */
export async function main(argv: string[], io: Io): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (!command || command === '-h' || command === '--help' || command === 'help') {
      const topic = command === 'help' ? rest[0] : undefined;
      io.stdout(topic === 'check' ? CHECK_HELP : topic === 'rules' ? RULES_HELP : topic === 'explain' ? EXPLAIN_HELP : topic === 'init' ? INIT_HELP : topic === 'gate' ? GATE_HELP : MAIN_HELP);
      return command ? EXIT.clean : EXIT.usage;
    }
    if (command === '-v' || command === '--version') {
      io.stdout(`${VERSION}\n`);
      return EXIT.clean;
    }
    switch (command) {
      case 'check': {
        const { values, positionals } = parse(rest, {
          format: { type: 'string', short: 'f' },
          output: { type: 'string', short: 'o' },
          'fail-on': { type: 'string' },
          env: { type: 'string' },
          root: { type: 'string' },
          policy: { type: 'string' },
          'max-file-size': { type: 'string' },
          color: { type: 'boolean' },
          'no-color': { type: 'boolean' },
          help: { type: 'boolean', short: 'h' },
        });
        if (values.help) {
          io.stdout(CHECK_HELP);
          return EXIT.clean;
        }
        return await runCheckCommand(
          {
            paths: positionals,
            format: values.format as string | undefined,
            output: values.output as string | undefined,
            failOn: values['fail-on'] as string | undefined,
            env: values.env as string | undefined,
            root: values.root as string | undefined,
            policy: values.policy as string | undefined,
            maxFileSize: values['max-file-size'] as string | undefined,
            color: values['no-color'] ? false : (values.color as boolean | undefined),
          },
          io,
        );
      }
      case 'rules': {
        const { values, positionals } = parse(rest, { format: { type: 'string', short: 'f' }, help: { type: 'boolean', short: 'h' } });
        if (values.help) {
          io.stdout(RULES_HELP);
          return EXIT.clean;
        }
        if (positionals.length) throw new UsageError(`aigate rules takes no arguments (got ${positionals.join(' ')})`);
        return runRulesCommand({ format: values.format as string | undefined }, io);
      }
      case 'explain': {
        const { values, positionals } = parse(rest, { help: { type: 'boolean', short: 'h' } });
        if (values.help) {
          io.stdout(EXPLAIN_HELP);
          return EXIT.clean;
        }
        return runExplainCommand({ rule: positionals[0] }, io);
      }
      case 'init': {
        const { values, positionals } = parse(rest, { root: { type: 'string' }, stdout: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
        if (values.help) {
          io.stdout(INIT_HELP);
          return EXIT.clean;
        }
        if (positionals.length) throw new UsageError(`aigate init takes no arguments (got ${positionals.join(' ')}); use --root`);
        return await runInitCommand({ root: values.root as string | undefined, stdout: values.stdout as boolean | undefined }, io);
      }
      case 'gate': {
        const { values, positionals } = parse(rest, {
          base: { type: 'string' },
          head: { type: 'string' },
          format: { type: 'string', short: 'f' },
          root: { type: 'string' },
          'max-file-size': { type: 'string' },
          help: { type: 'boolean', short: 'h' },
        });
        if (values.help) {
          io.stdout(GATE_HELP);
          return EXIT.clean;
        }
        if (positionals.length) throw new UsageError(`aigate gate takes no arguments (got ${positionals.join(' ')}); use --base, --head and --root`);
        return await runGateCommand({ base: values.base as string | undefined, head: values.head as string | undefined, format: values.format as string | undefined, root: values.root as string | undefined, maxFileSize: values['max-file-size'] as string | undefined }, io);
      }
      default:
        throw new UsageError(`unknown command '${command}'; commands are check, gate, rules, explain, init (aigate --help)`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`aigate: ${err.message}\n`);
      return EXIT.usage;
    }
    io.stderr(`aigate: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return EXIT.usage;
  }
}
