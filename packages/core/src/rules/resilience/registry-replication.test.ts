import { describe, expect, it } from 'vitest';
import { check, markerDiff } from '../../testing/harness.js';

const RULE = 'resilience/registry-replication';
const schema = '$schema: https://azuremlschemas.azureedge.net/latest/registry.schema.json\n';

describe(RULE, () => {
  it('fires when replication_locations lists only the primary location', () => {
    const files = {
      'infra/registry.yml': `${schema}name: contoso-ml\nlocation: eastus\nreplication_locations:  # want: ${RULE}\n  - location: eastus\n`,
      'infra/registry-demo.yml': `name: demo\nlocation: East US\nreplication_locations:  # want: ${RULE}\n  - location: eastus\n`,
    };
    expect(markerDiff(files, { rules: [RULE] })).toEqual({ missing: [], unexpected: [] });
    const found = check(files).findings.filter((f) => f.ruleId === RULE);
    expect(found.map((f) => f.severity)).toEqual(['info', 'info']);
    expect(found.find((f) => f.location.file === 'infra/registry.yml')?.message).toContain("Registry 'contoso-ml' replicates only to its primary location eastus");
  });

  it('does not fire with a second region or templated locations', () => {
    const files = {
      'infra/a.yml': `${schema}name: a\nlocation: eastus\nreplication_locations:\n  - location: eastus\n  - location: westus3\n`,
      'infra/b.yml': 'name: <REGISTRY-NAME>\nlocation: <LOCATION>\nreplication_locations:\n  - location: <LOCATION>\n',
      'infra/c.yml': `${schema}name: c\nlocation: eastus\nreplication_locations:\n  - location: \${{ vars.REGION }}\n`,
    };
    expect(check(files).findings.filter((f) => f.ruleId === RULE)).toEqual([]);
  });
});
