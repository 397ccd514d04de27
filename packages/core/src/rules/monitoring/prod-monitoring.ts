import { defineRule, type FixSpec } from '../../engine/rule.js';
import type { DeploymentRecord } from '../../model/records.js';
import type { WorkspaceModel } from '../../model/workspace.js';
import { YNode } from '../../yaml/nodes.js';
import { deploymentLabel, inEnv } from '../helpers.js';

/** Whether `data_collector.collections.<name>` is present and not disabled (payload logging uses `request` and `response`). */
function collects(model: WorkspaceModel, d: DeploymentRecord, name: string): boolean {
  const file = model.files.get(d.file);
  if (!file) return false;
  for (const doc of file.docs) {
    const root = YNode.root(doc, d.file, { start: 0, end: file.source.text.length });
    if (root.span.start !== d.loc.span.start) continue;
    const c = root.at('data_collector', 'collections', name);
    return c.exists && c.get('enabled').boolean() !== false;
  }
  return false;
}

/** `app_insights_enabled: true`: flip a false value, or add the key on the line after `name:`. */
function appInsightsFix(model: WorkspaceModel, d: DeploymentRecord): FixSpec | undefined {
  const title = 'Set `app_insights_enabled: true`';
  if (d.appInsightsLoc) {
    const src = model.files.get(d.file)?.source;
    if (!src) return undefined;
    const pair = src.text.slice(d.appInsightsLoc.span.start, d.appInsightsLoc.span.end);
    const m = /^(app_insights_enabled\s*:\s*)(\S.*)$/.exec(pair);
    if (!m) return undefined;
    const start = d.appInsightsLoc.span.start + m[1]!.length;
    return { title, edits: [{ file: d.file, span: { start, end: d.appInsightsLoc.span.end }, newText: 'true' }] };
  }
  const src = model.files.get(d.file)?.source;
  if (!src || d.nameLoc.path.length !== 1) return undefined;
  const pos = src.positionAt(d.nameLoc.span.start);
  const m = /^(\s*)name\s*:/.exec(src.lineText(pos.line));
  if (!m) return undefined;
  const endLine = src.positionAt(d.nameLoc.span.end).line;
  const eol = src.text.includes('\r\n') ? '\r\n' : '\n';
  const at = endLine + 1 < src.lineCount ? src.lineStart(endLine + 1) : src.text.length;
  const newText = at === src.text.length && !/\r?\n$/.test(src.text) ? `${eol}${m[1]}app_insights_enabled: true${eol}` : `${m[1]}app_insights_enabled: true${eol}`;
  return { title, edits: [{ file: d.file, span: { start: at, end: at }, newText }] };
}

export const prodMonitoring = defineRule({
  id: 'monitoring/prod-monitoring',
  theme: 'monitoring',
  description: 'Online deployments in prod send telemetry to Application Insights (`app_insights_enabled: true`) and collect model inputs and outputs (`data_collector`).',
  defaultSeverity: 'warning',
  crossFile: false,
  fixable: true,
  guidance: [
    { seed: '000_a682b06f95e9be02.txt', heading: 'Manage AI models', quote: 'Implement continuous monitoring.' },
    { seed: '002_d6b08caa8ce90d96.txt', heading: 'Manage AI models', quote: 'As with all workloads, use Azure Monitor and Application Insights to monitor the performance of AI workloads.' },
  ],
  check({ model, report }) {
    for (const d of model.deployments) {
      if (d.kind === 'batch' || model.tier(d) !== 'prod') continue;
      const missing: string[] = [];
      // A templated value (`\${{ inputs.insights }}`) is the pipeline's to decide.
      const appInsights = d.appInsightsEnabled === true || (d.appInsightsLoc !== undefined && d.appInsightsEnabled === undefined);
      if (!appInsights) missing.push(d.appInsightsLoc ? 'app_insights_enabled is not true' : 'app_insights_enabled is not set (it defaults to false)');
      const dc = d.dataCollector;
      const inputs = dc ? dc.inputs || collects(model, d, 'request') : false;
      const outputs = dc ? dc.outputs || collects(model, d, 'response') : false;
      const notCollected = dc ? [inputs ? undefined : 'model_inputs', outputs ? undefined : 'model_outputs'].filter((s): s is string => !!s) : [];
      if (!dc) missing.push('no data_collector collects model_inputs and model_outputs');
      else if (notCollected.length) missing.push(`data_collector does not collect ${notCollected.join(' or ')}`);
      const collectorMissing = !dc || notCollected.length > 0;
      if (appInsights && !collectorMissing) continue;
      const where = `${deploymentLabel(d)} ${inEnv(model, d)}`;
      const todo = [appInsights ? undefined : 'set `app_insights_enabled: true`', collectorMissing ? 'add `data_collector.collections` with `model_inputs` and `model_outputs` enabled' : undefined].filter(Boolean);
      // Point at what is wrong when it is written down; else at the deployment's name.
      const loc = !appInsights && d.appInsightsLoc ? d.appInsightsLoc : dc && collectorMissing ? dc.loc : d.nameLoc;
      const fix = appInsights ? undefined : appInsightsFix(model, d);
      report({
        loc,
        record: d,
        message: `${where[0]!.toUpperCase()}${where.slice(1)} lacks prod monitoring: ${missing.join('; ')}. Without telemetry and collected data, failures, latency and drift in prod go unseen. To fix, ${todo.join(' and ')}.`,
        fixes: fix ? [fix] : [],
      });
    }
  },
});
