import { defineRule, type Guidance, type RuleDefinition } from './rule.js';

const noCheck = (): void => {};

/** What the suppression findings enforce: exceptions stay known and audited. */
const POLICIES_KNOWN_AND_AUDITED: Guidance = {
  seed: '000_a682b06f95e9be02.txt',
  heading: 'Manage AI deployment',
  quote: 'Make these policies clearly known to workload teams and audit regularly.',
};

/** Findings the engine itself raises. They are documented like rules and cannot be suppressed. */
export const META_RULES: readonly RuleDefinition[] = [
  defineRule({
    id: 'aigate/parse-error',
    theme: 'aigate',
    description: 'A file aigate reads is not valid YAML.',
    defaultSeverity: 'error',
    crossFile: false,
    fixable: false,
    guidance: [{ seed: '000_a682b06f95e9be02.txt', heading: 'Manage AI operations', quote: 'Ensure that your data pipelines cover code quality checks, including linting and static analysis.' }],
    check: noCheck,
  }),
  defineRule({
    id: 'aigate/policy-error',
    theme: 'aigate',
    description: 'aigate.yaml has a mistake: an unknown key, rule or environment, a wrong type, a bad date.',
    defaultSeverity: 'error',
    crossFile: false,
    fixable: false,
    guidance: [{ seed: '000_a682b06f95e9be02.txt', heading: 'Manage AI deployment', quote: 'Create and communicate AI policies that the workload teams must follow to address any governance gaps.' }],
    check: noCheck,
  }),
  defineRule({
    id: 'aigate/unreadable-file',
    theme: 'aigate',
    description: 'A YAML file could not be read: binary, not UTF-8, too large, or not permitted.',
    defaultSeverity: 'warning',
    crossFile: false,
    fixable: false,
    guidance: [{ seed: '000_a682b06f95e9be02.txt', heading: 'Manage AI business continuity', quote: 'Ensure that all changes to models, data, and configurations are managed through version control systems such as Git.' }],
    check: noCheck,
  }),
  defineRule({
    id: 'aigate/invalid-suppression',
    theme: 'aigate',
    description: 'An aigate-ignore comment names no rule, an unknown rule, has no reason or a bad expiry date.',
    defaultSeverity: 'warning',
    crossFile: false,
    fixable: false,
    guidance: [POLICIES_KNOWN_AND_AUDITED],
    check: noCheck,
  }),
  defineRule({
    id: 'aigate/unused-suppression',
    theme: 'aigate',
    description: 'A suppression matches no finding.',
    defaultSeverity: 'warning',
    crossFile: false,
    fixable: true,
    guidance: [POLICIES_KNOWN_AND_AUDITED],
    check: noCheck,
  }),
  defineRule({
    id: 'aigate/expired-suppression',
    theme: 'aigate',
    description: 'A suppression is past its expiry date, so the findings it covered come back.',
    defaultSeverity: 'warning',
    crossFile: false,
    fixable: false,
    guidance: [POLICIES_KNOWN_AND_AUDITED],
    check: noCheck,
  }),
  defineRule({
    id: 'aigate/rule-failed',
    theme: 'aigate',
    description: 'A rule failed while checking; its findings are missing, so the run is not clean.',
    defaultSeverity: 'error',
    crossFile: false,
    fixable: false,
    guidance: [{ seed: '000_a682b06f95e9be02.txt', heading: 'Manage AI operations', quote: 'Ensure that your data pipelines cover code quality checks, including linting and static analysis.' }],
    check: noCheck,
  }),
];
