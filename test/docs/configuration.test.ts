import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DEMO_ENV, DemoConfigSchema } from '../../demo/config.js';
import { GATEWAY_ENV, GatewayConfigSchema } from '../../gateway/config.js';
import { envVarOf, LANE_CONFIG_KEYS, LaneConfigSchema, parseLaneConfig } from '../../lanes/config.js';
import { loadSimulatorConfig, SimulatorEnv } from '../../simulator/config.js';

/**
 * docs/configuration.md is checked against the schemas, so it cannot drift from them: every
 * option has a row in its process's table with its environment variable and, where the schema
 * has one, its default; and no row names an option the schema no longer has.
 */
const markdown = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');

interface Row {
  option: string;
  envVar: string;
  defaultCell: string;
}

interface Expected {
  /** Absent when the schema is keyed by variable and the option name lives elsewhere. */
  option?: string;
  envVar: string;
  /** The schema default, as the docs show it in backquotes; absent when there is none. */
  defaultText?: string;
}

/** The rows of the first table under the `## heading` that starts with `title`. */
function tableOf(title: string): Row[] {
  const start = markdown.split('\n').findIndex((line) => line.startsWith(`## ${title}`));
  assert.ok(start >= 0, `docs/configuration.md has no "## ${title}" section`);
  const lines = markdown.split('\n').slice(start + 1);
  const end = lines.findIndex((line) => line.startsWith('## '));
  const section = end < 0 ? lines : lines.slice(0, end);
  const firstRow = section.findIndex((line) => line.startsWith('| option |'));
  assert.ok(firstRow >= 0, `the "${title}" section has no option table`);
  const rows: Row[] = [];
  for (const line of section.slice(firstRow + 2)) {
    if (!line.startsWith('|')) break;
    const [option, envVar, defaultCell] = line.split('|').slice(1).map((cell) => cell.trim());
    rows.push({ option: firstCode(option), envVar: firstCode(envVar), defaultCell });
  }
  return rows;
}

function firstCode(cell: string): string {
  return /`([^`]*)`/.exec(cell)?.[1] ?? '';
}

function defaultOf(schema: z.ZodType): string | undefined {
  return schema instanceof z.ZodDefault ? String(schema.def.defaultValue) : undefined;
}

function assertDocumented(title: string, expected: Expected[]): void {
  const rows = tableOf(title);
  for (const want of expected) {
    const row = rows.find((candidate) => candidate.envVar === want.envVar);
    assert.ok(row, `docs/configuration.md, ${title}: no row for ${want.envVar}${want.option ? ` (${want.option})` : ''}`);
    if (want.option) assert.equal(row.option, want.option, `${title}: the row of ${want.envVar} names another option`);
    if (want.defaultText !== undefined) {
      assert.ok(row.defaultCell.includes(`\`${want.defaultText}\``), `${title}: ${want.envVar} defaults to \`${want.defaultText}\`, the docs say "${row.defaultCell}"`);
    }
  }
  const known = new Set(expected.map((want) => want.envVar));
  const stale = rows.filter((row) => !known.has(row.envVar)).map((row) => row.envVar);
  assert.deepEqual(stale, [], `${title}: rows for variables the schema does not have`);
}

describe('docs/configuration.md', function () {
  it('when the gateway schema has an option, then the Gateway table lists it with its variable and default', () => {
    const shape = GatewayConfigSchema.shape;
    const keys = Object.keys(shape) as (keyof typeof shape)[];
    assert.deepEqual([...keys].sort(), Object.keys(GATEWAY_ENV).sort(), 'every gateway option has an environment variable');
    assertDocumented('Gateway', keys.map((key) => ({ option: key, envVar: GATEWAY_ENV[key], defaultText: defaultOf(shape[key]) })));
  });

  it('when the lane schema has an option, then the Lane controller table lists it with its variable and default', () => {
    const shape = LaneConfigSchema.in.shape;
    // Defaults derived from siteId are shown with {siteId} in their place.
    const derived = parseLaneConfig({ siteId: 'SITE7' }) as Record<string, unknown>;
    assertDocumented(
      'Lane controller',
      LANE_CONFIG_KEYS.map((key) => {
        const computed = key === 'siteId' ? undefined : derived[key];
        const defaultText = defaultOf(shape[key]) ?? (typeof computed === 'string' ? computed.replaceAll('SITE7', '{siteId}') : undefined);
        return { option: key, envVar: envVarOf(key), defaultText };
      }),
    );
  });

  it('when the demo schema has an option, then the Demo table lists it with its variable and default', () => {
    const shape = DemoConfigSchema.shape;
    const keys = Object.keys(shape) as (keyof typeof shape)[];
    assert.deepEqual([...keys].sort(), Object.keys(DEMO_ENV).sort(), 'every demo option has an environment variable');
    assertDocumented('Demo', keys.map((key) => ({ option: key, envVar: DEMO_ENV[key], defaultText: defaultOf(shape[key]) })));
  });

  it('when the simulator schema has a variable, then the Simulator table lists it with its default and every option is named', () => {
    const shape = SimulatorEnv.shape;
    const names = Object.keys(shape) as (keyof typeof shape)[];
    assertDocumented('Simulator', names.map((envVar) => ({ envVar, defaultText: defaultOf(shape[envVar]) })));
    const options = tableOf('Simulator').map((row) => row.option);
    for (const option of Object.keys(loadSimulatorConfig({}))) assert.ok(options.includes(option), `Simulator: no row names the option ${option}`);
  });
});
