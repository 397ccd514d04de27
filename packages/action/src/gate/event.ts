import { readFileSync } from 'node:fs';
import { pullRequestFromPayload, type PullRequestInfo } from '../runner/context.js';
import type { Env } from '../runner/io.js';

/** The events the gate reacts to, and the activity types it is meant for. */
export const GATE_EVENTS: Readonly<Record<string, readonly string[]>> = {
  pull_request: ['opened', 'synchronize', 'reopened'],
  pull_request_review: ['submitted', 'dismissed'],
  // The same payload as pull_request, run from the base branch's workflow with a token that can write
  // checks on pull requests from forks. The gate reads the pull request's commits as data only.
  pull_request_target: ['opened', 'synchronize', 'reopened'],
};

export interface GateEvent {
  name: string;
  /** The activity type (`opened`, `submitted`, ...), when the payload has one. */
  action?: string;
  pullRequest: PullRequestInfo;
}

/** Why the gate cannot run on this event, as one sentence that says what to change. */
export class GateEventError extends Error {}

const HOW = 'run it `on: pull_request` (types: opened, synchronize, reopened) and `on: pull_request_review` (types: submitted, dismissed)';

/** Read the event that started the run: its name from `GITHUB_EVENT_NAME`, the pull request from `GITHUB_EVENT_PATH`. */
export function readGateEvent(env: Env): GateEvent {
  const name = env.GITHUB_EVENT_NAME ?? '';
  if (!Object.hasOwn(GATE_EVENTS, name)) {
    throw new GateEventError(`the promotion gate judges pull requests, and this run was started by ${name ? `a '${name}' event` : 'no event (GITHUB_EVENT_NAME is not set)'}: ${HOW}`);
  }
  const path = env.GITHUB_EVENT_PATH;
  if (!path) throw new GateEventError('GITHUB_EVENT_PATH is not set, so the gate cannot tell which pull request to judge');
  let payload: unknown;
  try {
    payload = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new GateEventError(`the event payload ${path} could not be read (${(err as Error).message})`);
  }
  const pr = pullRequestFromPayload(payload);
  if (pr === undefined) throw new GateEventError(`the '${name}' event payload has no pull request`);
  if (typeof pr === 'string') throw new GateEventError(pr);
  const action = typeof (payload as { action?: unknown }).action === 'string' ? (payload as { action: string }).action : undefined;
  return action === undefined ? { name, pullRequest: pr } : { name, action, pullRequest: pr };
}

/** Whether the activity type is one the gate is documented for (others are judged all the same, with a note in the log). */
export function expectedAction(event: GateEvent): boolean {
  return event.action !== undefined && (GATE_EVENTS[event.name] ?? []).includes(event.action);
}
