import { Scalar } from 'yaml';
import type { JobRecord, Resolved, StepAction, WorkflowStep, WorkflowTriggers } from '../model/records.js';
import type { SourceFile } from '../text/source.js';
import type { Loc, YNode } from '../yaml/nodes.js';
import { actionsFromScript, parseTrafficSpec } from './shell.js';
import { isTemplated } from './templating.js';

/** GitHub Actions workflows live directly in `.github/workflows/`. */
export function isWorkflowPath(path: string): boolean {
  return /(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/i.test(path);
}

function envMap(node: YNode): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of node.entries()) {
    const s = v.string();
    if (s !== undefined) out[k] = s;
  }
  return out;
}

function readTriggers(root: YNode): WorkflowTriggers {
  const on = root.get('on');
  const events: string[] = [];
  const branches: string[] = [];
  const workflowRun: string[] = [];
  if (on.isScalar) events.push(...on.strings());
  else if (on.isSeq) events.push(...on.strings());
  else if (on.isMap) {
    for (const [event, cfg] of on.entries()) {
      events.push(event);
      if (event === 'push' || event === 'pull_request' || event === 'pull_request_target') branches.push(...cfg.get('branches').strings());
      if (event === 'workflow_run') workflowRun.push(...cfg.get('workflows').strings());
    }
  }
  return { events, branches, workflowRun, loc: on.exists ? on.pairLoc : root.loc };
}

/** Map an offset inside a `run:` value back to the file, line by line for block scalars. */
function scriptLocator(node: YNode, source: SourceFile): (start: number, end: number) => Loc {
  const whole = node.loc;
  const scalar = node.node;
  const script = node.string() ?? '';
  if (!(scalar instanceof Scalar) || !scalar.range) return () => whole;
  const [s0, s1] = scalar.range;
  if (scalar.type === Scalar.BLOCK_LITERAL) {
    const headerLine = source.positionAt(s0).line;
    const scriptLineStarts = [0];
    for (let i = 0; i < script.length; i++) if (script[i] === '\n') scriptLineStarts.push(i + 1);
    const toFile = (off: number): number => {
      let line = 0;
      while (line + 1 < scriptLineStarts.length && scriptLineStarts[line + 1]! <= off) line++;
      const col = off - scriptLineStarts[line]!;
      const srcLine = headerLine + 1 + line;
      const text = source.lineText(srcLine);
      const indent = text.length - text.trimStart().length;
      return Math.min(source.lineStart(srcLine) + indent + col, s1);
    };
    return (start, end) => {
      const a = toFile(start);
      const firstLineEnd = script.indexOf('\n', start);
      const b = toFile(firstLineEnd >= 0 && firstLineEnd < end ? firstLineEnd : end);
      return { file: whole.file, span: { start: a, end: Math.max(a, b) }, path: whole.path };
    };
  }
  if (scalar.type === Scalar.PLAIN || scalar.type === Scalar.QUOTE_DOUBLE || scalar.type === Scalar.QUOTE_SINGLE) {
    const shift = scalar.type === Scalar.PLAIN ? 0 : 1;
    if (!script.includes('\n')) {
      return (start, end) => ({ file: whole.file, span: { start: Math.min(s0 + shift + start, s1), end: Math.min(s0 + shift + end, s1) }, path: whole.path });
    }
  }
  return () => whole;
}

function usesPinned(ref: string): boolean | undefined {
  const at = ref.lastIndexOf('@');
  if (at < 0) return false;
  const v = ref.slice(at + 1);
  if (/^[0-9a-f]{40}$/i.test(v)) return true;
  if (/^v?\d+(\.\d+){0,2}([-+][\w.]+)?$/.test(v)) return true;
  if (/^(main|master|develop|dev|trunk|HEAD|latest)$/i.test(v) || isTemplated(v)) return false;
  return undefined;
}

const SECRET_RE = /secrets\.([A-Za-z_][A-Za-z0-9_]*)/g;

function secretsIn(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(SECRET_RE)) out.add(m[1]!);
  return [...out];
}

/** Actions of a reusable workflow call, recognised by the called file's name and its inputs. */
function actionsFromReusable(uses: string, withNode: YNode, loc: Loc): StepAction[] {
  const file = uses.split('@')[0]!.replace(/\/(action\.ya?ml)?$/, '').split('/').pop() ?? '';
  const inputs = new Map(withNode.entries().map(([k, v]) => [k, v] as const));
  const out: StepAction[] = [];
  const str = (k: string): string | undefined => {
    const s = inputs.get(k)?.string();
    return s !== undefined && !isTemplated(s) ? s : undefined;
  };
  const trafficInput = [...inputs.entries()].find(([k]) => /traffic/i.test(k));
  if (trafficInput && trafficInput[1].string()) {
    const v = trafficInput[1];
    out.push({ kind: 'traffic', via: `${file} (${trafficInput[0]})`, loc: v.loc, files: [], endpointName: str('endpoint_name'), traffic: parseTrafficSpec(v.string()!, v.loc, str('endpoint_name'), isTemplated(v.string()!)) });
  }
  const files = [...inputs.entries()].filter(([k]) => /_file$|^file$/i.test(k)).map(([, v]) => v.string()).filter((s): s is string => !!s && !isTemplated(s));
  if (/deploy/i.test(file) && !/endpoint/i.test(file)) out.push({ kind: 'deploy', via: `reusable workflow ${file}`, loc, files, endpointName: str('endpoint_name'), deploymentName: str('deployment_name') });
  else if (/endpoint/i.test(file) && /create|deploy/i.test(file)) out.push({ kind: 'provision', via: `reusable workflow ${file}`, loc, files, endpointName: str('endpoint_name') });
  if (/eval|test|validat/i.test(file)) out.push({ kind: 'evaluate', via: `reusable workflow ${file}`, loc, files });
  if (/register/i.test(file)) out.push({ kind: 'register', via: `reusable workflow ${file}`, loc, files });
  return out;
}

const PROVISION_ACTIONS = /^(azure\/arm-deploy|azure\/bicep-deploy|azure\/cli|hashicorp\/setup-terraform)@/i;

export function extractWorkflow(root: YNode, source: SourceFile): JobRecord[] {
  const file = root.file;
  const workflowEnv = envMap(root.get('env'));
  const triggers = readTriggers(root);
  const workflowName = root.get('name').string();
  const jobs: JobRecord[] = [];
  for (const [id, job] of root.get('jobs').entries()) {
    const jobEnv = { ...workflowEnv, ...envMap(job.get('env')) };
    const envNode = job.get('environment');
    let environment: Resolved<string> | undefined;
    const envName = envNode.isMap ? envNode.get('name') : envNode;
    if (envNode.exists) {
      const s = envName.string();
      if (s !== undefined && !isTemplated(s)) environment = { known: true, value: s, loc: envName.loc };
      else environment = { known: false, raw: s ?? '', loc: envNode.loc };
    }
    const needsNode = job.get('needs');
    const usesNode = job.get('uses');
    const withNode = job.get('with');
    const steps: WorkflowStep[] = [];
    const actions: StepAction[] = [];
    for (const step of job.get('steps').items()) {
      const stepEnv = { ...jobEnv, ...envMap(step.get('env')) };
      const lookup = (name: string): string | undefined => stepEnv[name];
      const runNode = step.get('run');
      const usesStep = step.get('uses').string();
      const stepActions: StepAction[] = [];
      const run = runNode.string();
      if (run !== undefined) stepActions.push(...actionsFromScript(run, lookup, scriptLocator(runNode, source)));
      if (usesStep) {
        // Local composite actions and deploy actions named for what they do (create-deployment, allocate-traffic).
        if (usesStep.startsWith('./') || /deploy|traffic|endpoint/i.test(usesStep.split('@')[0]!.split('/').pop() ?? '')) {
          if (!PROVISION_ACTIONS.test(usesStep)) stepActions.push(...actionsFromReusable(usesStep, step.get('with'), step.get('uses').loc));
        }
        if (PROVISION_ACTIONS.test(usesStep) && !/azure\/cli@/i.test(usesStep)) stepActions.push({ kind: 'provision', via: usesStep.split('@')[0]!, loc: step.get('uses').loc, files: [] });
        const inlineScript = step.at('with', 'inlineScript');
        if (/azure\/cli@/i.test(usesStep) && inlineScript.string()) stepActions.push(...actionsFromScript(inlineScript.string()!, lookup, scriptLocator(inlineScript, source)));
      }
      const stepText = source.text.slice(step.span.start, step.span.end);
      steps.push({ loc: step.loc, name: step.get('name').string(), uses: usesStep, run, actions: stepActions, secrets: secretsIn(stepText) });
      actions.push(...stepActions);
    }
    let uses: JobRecord['uses'];
    const usesRef = usesNode.string();
    if (usesRef) {
      uses = { ref: usesRef, loc: usesNode.loc, local: usesRef.startsWith('./'), pinned: usesRef.startsWith('./') ? true : usesPinned(usesRef) };
      actions.push(...actionsFromReusable(usesRef, withNode, usesNode.loc));
    }
    const jobText = source.text.slice(job.fullSpan.start, job.fullSpan.end);
    const withValues: Record<string, string> = {};
    for (const [k, v] of withNode.entries()) {
      const s = v.string();
      if (s !== undefined) withValues[k] = s;
    }
    const idLoc = root.get('jobs').keyLoc(id) ?? job.loc;
    jobs.push({
      type: 'job',
      file,
      loc: idLoc,
      tags: {},
      workflowFile: file,
      workflowName,
      id,
      idLoc,
      bodyLoc: job.loc,
      name: job.get('name').string(),
      environment,
      needs: needsNode.strings(),
      needsLoc: needsNode.exists ? needsNode.pairLoc : undefined,
      ifCondition: job.get('if').string(),
      uses,
      with: withValues,
      steps,
      actions,
      triggers,
      secrets: secretsIn(jobText),
    });
  }
  return jobs;
}
