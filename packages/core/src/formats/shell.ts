import type { StepAction, TrafficSplit } from '../model/records.js';
import type { Loc } from '../yaml/nodes.js';
import { isTemplated } from './templating.js';

export interface ShellWord {
  /** The word after quote removal and variable substitution. */
  value: string;
  /** True when the word still holds a value known only at run time. */
  unknown: boolean;
  /** Offset of the word in the script text. */
  offset: number;
  length: number;
}

export interface ShellCommand {
  words: ShellWord[];
  /** Offset of the first word in the script. */
  offset: number;
  end: number;
}

export type EnvLookup = (name: string) => string | undefined;

const EXPR_RE = /\$\{\{\s*(?:env|vars|inputs)\.([A-Za-z_][\w-]*)\s*\}\}/g;

/** Replace variables we can resolve; leave the rest as written (and so unknown). */
function substitute(text: string, env: EnvLookup): { value: string; unknown: boolean } {
  let unknown = false;
  let out = text.replace(EXPR_RE, (m, name: string) => {
    const v = env(name);
    if (v === undefined || isTemplated(v)) {
      unknown = true;
      return m;
    }
    return v;
  });
  out = out.replace(/\$\{([A-Za-z_]\w*)\}|\$([A-Za-z_]\w*)/g, (m, a: string | undefined, b: string | undefined) => {
    const v = env((a ?? b)!);
    if (v === undefined || isTemplated(v)) {
      unknown = true;
      return m;
    }
    return v;
  });
  if (/\$\{\{|\$\(|`/.test(out)) unknown = true;
  return { value: out, unknown };
}

/**
 * Split a `run:` script into simple commands and words. A small, tolerant reader of the shell
 * subset used in deploy steps: quotes, backslash line continuations, `&&`, `||`, `;`, `|`, comments.
 */
export function parseShell(script: string, env: EnvLookup = () => undefined): ShellCommand[] {
  const commands: ShellCommand[] = [];
  let words: ShellWord[] = [];
  let cur = '';
  let curStart = -1;
  let curQuotedSingle = false;
  const flushWord = (end: number): void => {
    if (curStart < 0) return;
    const sub = curQuotedSingle && !/\$/.test(cur) ? { value: cur, unknown: false } : substitute(cur, env);
    words.push({ value: sub.value, unknown: sub.unknown, offset: curStart, length: end - curStart });
    cur = '';
    curStart = -1;
    curQuotedSingle = false;
  };
  const flushCommand = (end: number): void => {
    flushWord(end);
    if (words.length) commands.push({ words, offset: words[0]!.offset, end });
    words = [];
  };
  let i = 0;
  const n = script.length;
  while (i < n) {
    const c = script[i]!;
    if (c === '\\' && script[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (c === '\\' && script[i + 1] === '\r' && script[i + 2] === '\n') {
      i += 3;
      continue;
    }
    if (c === '#' && curStart < 0) {
      while (i < n && script[i] !== '\n') i++;
      continue;
    }
    if (c === '\n' || c === ';' || c === '|' || c === '&') {
      flushCommand(i);
      i++;
      while (i < n && (script[i] === '&' || script[i] === '|')) i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      flushWord(i);
      i++;
      continue;
    }
    if (curStart < 0) curStart = i;
    if (c === "'") {
      const close = script.indexOf("'", i + 1);
      const stop = close < 0 ? n : close;
      cur += script.slice(i + 1, stop);
      curQuotedSingle = true;
      i = stop + 1;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      while (j < n && script[j] !== '"') {
        if (script[j] === '\\' && j + 1 < n) {
          cur += script[j + 1];
          j += 2;
          continue;
        }
        cur += script[j];
        j++;
      }
      i = j + 1;
      continue;
    }
    if (c === '\\' && i + 1 < n) {
      cur += script[i + 1];
      i += 2;
      continue;
    }
    cur += c;
    i++;
  }
  flushCommand(n);
  return commands;
}

/** Options of a command: `--name value`, `--name=value`, `-n value`; flags without a value map to ''. */
export function readOptions(words: ShellWord[], start: number): Map<string, ShellWord> {
  const opts = new Map<string, ShellWord>();
  for (let i = start; i < words.length; i++) {
    const w = words[i]!;
    if (!w.value.startsWith('-')) continue;
    const eq = w.value.indexOf('=');
    if (w.value.startsWith('--') && eq > 2) {
      opts.set(w.value.slice(0, eq), { ...w, value: w.value.slice(eq + 1) });
      continue;
    }
    const next = words[i + 1];
    if (next && !next.value.startsWith('-')) {
      opts.set(w.value, next);
      i++;
    } else opts.set(w.value, { ...w, value: '' });
  }
  return opts;
}

function opt(opts: Map<string, ShellWord>, ...names: string[]): ShellWord | undefined {
  for (const n of names) {
    const w = opts.get(n);
    if (w) return w;
  }
  return undefined;
}

function known(w: ShellWord | undefined): string | undefined {
  return w && !w.unknown && w.value !== '' ? w.value : undefined;
}

/** Parse `blue=90 green=10` (also comma-separated). Unknown percents stay undefined. */
export function parseTrafficSpec(spec: string, loc: Loc, endpointName: string | undefined, unknown: boolean): TrafficSplit {
  const shares: TrafficSplit['shares'] = [];
  for (const part of spec.split(/[\s,]+/).filter(Boolean)) {
    const eq = part.lastIndexOf('=');
    if (eq <= 0) continue;
    const deployment = part.slice(0, eq);
    const pct = part.slice(eq + 1);
    const percent = /^\d+$/.test(pct) ? Number(pct) : undefined;
    shares.push({ deployment: unknown && isTemplated(deployment) ? deployment : deployment, percent, loc });
  }
  return { loc, endpointName, shares, raw: spec };
}

const EVAL_WORD = /(eval|evaluat|validat|quality|benchmark|score[-_]?model|assess)/i;

/** Recognise the governance-relevant commands of a script. `locOf` maps a script offset range to a Loc. */
export function actionsFromScript(script: string, env: EnvLookup, locOf: (start: number, end: number) => Loc): StepAction[] {
  const out: StepAction[] = [];
  for (const cmd of parseShell(script, env)) {
    const w = cmd.words.map((x) => x.value);
    const loc = locOf(cmd.offset, cmd.end);
    const word0 = w[0] ?? '';
    if (word0 === 'az' && w[1] === 'ml') {
      const group = w[2] ?? '';
      const verb = w[3] ?? '';
      const opts = readOptions(cmd.words, 4);
      const files = [opt(opts, '--file', '-f')].map(known).filter((s): s is string => !!s);
      const common = {
        loc,
        files,
        resourceGroup: known(opt(opts, '--resource-group', '-g')),
        workspace: known(opt(opts, '--workspace-name', '-w')),
      };
      const via = `az ml ${group} ${verb}`.trim();
      if ((group === 'online-deployment' || group === 'batch-deployment') && (verb === 'create' || verb === 'update')) {
        const endpointName = known(opt(opts, '--endpoint-name', '-e'));
        const deploymentName = known(opt(opts, '--name', '-n'));
        const action: StepAction = { kind: 'deploy', via, endpointName, deploymentName, ...common };
        if (opts.has('--all-traffic') && deploymentName) {
          action.traffic = { loc, endpointName, shares: [{ deployment: deploymentName, percent: 100, loc }], raw: `${deploymentName}=100 (--all-traffic)` };
        }
        out.push(action);
        if (action.traffic) out.push({ kind: 'traffic', via: `${via} --all-traffic`, endpointName, deploymentName, traffic: action.traffic, ...common });
      } else if (group === 'online-deployment' && verb === 'delete') {
        out.push({ kind: 'delete-deployment', via, endpointName: known(opt(opts, '--endpoint-name', '-e')), deploymentName: known(opt(opts, '--name', '-n')), ...common });
      } else if ((group === 'online-endpoint' || group === 'batch-endpoint') && (verb === 'create' || verb === 'update')) {
        const endpointName = known(opt(opts, '--name', '-n'));
        const t = opt(opts, '--traffic', '-r');
        const m = opt(opts, '--mirror-traffic');
        if (t || m) {
          const action: StepAction = { kind: 'traffic', via: `az ml ${group} ${verb} ${t ? '--traffic' : '--mirror-traffic'}`, endpointName, ...common };
          if (t) action.traffic = parseTrafficSpec(t.value, loc, endpointName, t.unknown);
          if (m) action.mirror = parseTrafficSpec(m.value, loc, endpointName, m.unknown);
          out.push(action);
        } else out.push({ kind: 'provision', via, endpointName, ...common });
        if (opts.has('--set-default') || opts.has('--set')) {
          /* default deployment changes are traffic too for batch endpoints; nothing more to read */
        }
      } else if (group === 'model' && (verb === 'share' || ((verb === 'create' || verb === 'register') && opts.has('--registry-name')))) {
        out.push({ kind: 'share', via, registry: known(opt(opts, '--registry-name')), ...common });
      } else if (group === 'model' && (verb === 'create' || verb === 'register')) {
        out.push({ kind: 'register', via, ...common });
      } else if (group === 'job' && verb === 'create') {
        const subject = [...files, known(opt(opts, '--name', '-n')) ?? '', known(opt(opts, '--set')) ?? ''].join(' ');
        if (EVAL_WORD.test(subject)) out.push({ kind: 'evaluate', via: `${via} (evaluation job)`, ...common });
      } else if (group === 'online-endpoint' && verb === 'invoke') {
        out.push({ kind: 'evaluate', via: 'az ml online-endpoint invoke (smoke test)', endpointName: known(opt(opts, '--name', '-n')), deploymentName: known(opt(opts, '--deployment-name', '-d')), ...common });
      }
      continue;
    }
    if (word0 === 'yq' && (w.includes('-i') || w.includes('--inplace'))) {
      // `yq -i '.model = "azureml://..."' deploy.yml`: the pipeline writes the field before deploying.
      const expr = w.slice(1).find((x) => /^\.[A-Za-z_][\w.-]*\s*\|?=/.test(x));
      const file = w[w.length - 1];
      const field = expr ? /^\.([A-Za-z_][\w-]*)/.exec(expr)?.[1] : undefined;
      if (field && file && file !== expr && /\.ya?ml$/i.test(file) && !cmd.words[cmd.words.length - 1]!.unknown) out.push({ kind: 'override', via: 'yq -i', loc, files: [file], field });
      continue;
    }
    if (word0 === 'pf' && w[1] === 'run' && w[2] === 'create') {
      const opts = readOptions(cmd.words, 3);
      const subject = [known(opt(opts, '--flow', '-f')), known(opt(opts, '--file')), known(opt(opts, '--name', '-n'))].join(' ');
      if (opts.has('--run') || EVAL_WORD.test(subject)) out.push({ kind: 'evaluate', via: 'pf run create (evaluation run)', loc, files: [] });
      continue;
    }
    if ((word0 === 'python' || word0 === 'python3') && w.length > 1) {
      const target = w[1] === '-m' ? (w[2] ?? '') : (w[1] ?? '');
      if (EVAL_WORD.test(target) || /promptflow\.evals|azure\.ai\.evaluation/.test(target)) out.push({ kind: 'evaluate', via: `python ${target}`, loc, files: [] });
      continue;
    }
    if (word0 === 'azd' && (w[1] === 'deploy' || w[1] === 'up')) {
      out.push({ kind: 'deploy', via: `azd ${w[1]}`, loc, files: [] });
      continue;
    }
    if (word0 === 'azd' && w[1] === 'provision') out.push({ kind: 'provision', via: 'azd provision', loc, files: [] });
    else if (word0 === 'terraform' && w[1] === 'apply') out.push({ kind: 'provision', via: 'terraform apply', loc, files: [] });
    else if (word0 === 'az' && w[1] === 'deployment' && w.includes('create')) out.push({ kind: 'provision', via: 'az deployment create', loc, files: [] });
    else if (word0 === 'az' && w[1] === 'cognitiveservices' && w[2] === 'account' && w[3] === 'deployment' && w[4] === 'create') out.push({ kind: 'deploy', via: 'az cognitiveservices account deployment create', loc, files: [] });
    else if (word0 === 'pf' && w[1] === 'flow' && w[2] === 'deploy') out.push({ kind: 'deploy', via: 'pf flow deploy', loc, files: [] });
  }
  return out;
}
