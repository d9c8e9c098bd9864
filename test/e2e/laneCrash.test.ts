import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { GateQueue } from '../../simulator/people/gateQueue.js';
import { seededRandom, between } from '../../simulator/random.js';
import { services, temporaryDir, uniqueRedisPrefix } from '../support/environment.js';
import { LaneProcess } from '../support/laneProcess.js';
import { eventually, TestNetwork, type TestRider } from '../support/testNetwork.js';

const KILLS = 6;

describe('a lane controller killed at any point', function () {
  this.timeout(180_000);
  let net: TestNetwork;
  let lane: LaneProcess | undefined;
  const dir = temporaryDir('turnpike-crash-');

  after(async () => {
    await lane?.kill('SIGTERM');
    await net?.close();
    dir.remove();
  });

  it(`when the lane process is SIGKILLed ${KILLS} times at seeded moments while riders pass, then every passage a turnstile confirmed is charged exactly once`, async () => {
    net = await new TestNetwork({ metroStations: 2, buses: 0 }).start();
    const site = net.metro(0);
    // The in-process lane of this station makes way for a real lane process that can be killed.
    await net.network.stopLane(site.id);
    const journalFile = join(dir.path, 'lane.sqlite');
    lane = new LaneProcess({
      LANE_SITE_ID: site.id,
      LANE_MODE: 'metro',
      GATEWAY_URL: net.gateway.url,
      MQTT_URL: net.network.mqttUrl,
      LANE_MQTT_SECRET: net.network.mqttSecret,
      LANE_JOURNAL_FILE: journalFile,
      LANE_OUTBOX_RETRY_MIN_MS: '50',
      LANE_OUTBOX_RETRY_MAX_MS: '300',
      LANE_STATUS_INTERVAL_MS: '60000',
      ...(services.redisUrl ? { REDIS_URL: services.redisUrl, LANE_HOT_STORE_PREFIX: uniqueRedisPrefix() } : {}),
    });
    await lane.start();

    const riders: TestRider[] = [];
    for (let i = 0; i < 8; i++) riders.push(await net.rider(20_000, `Crash rider ${i}`));
    const queue = new GateQueue();
    const confirmed: string[] = [];
    const opened: string[] = [];
    const outcomes: Record<string, number> = {};
    let stop = false;

    const travel = async (rider: TestRider, index: number) => {
      const gate = net.gate(site, index % 4);
      let direction: 'entry' | 'exit' = 'entry';
      while (!stop) {
        try {
          // Riders take turns at a gate, as people do: scan, then walk through before the next one scans.
          const outcome = await queue.run(gate.deviceId, async () => {
            const { command } = await gate.scan({ code: rider.phone.code() }, direction);
            if (command.action !== 'open') return command.reason!;
            opened.push(command.decisionId);
            await gate.walkThrough();
            confirmed.push(command.decisionId);
            direction = direction === 'entry' ? 'exit' : 'entry';
            return 'passed';
          });
          outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
          if (outcome !== 'passed') await new Promise((resolve) => setTimeout(resolve, 100));
        } catch (error) {
          // The lane is down: no answer. The rider tries again with a fresh code.
          outcomes[(error as { code?: string }).code ?? 'error'] = (outcomes[(error as { code?: string }).code ?? 'error'] ?? 0) + 1;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    };

    const random = seededRandom(20261124);
    const travelling = riders.map((rider, index) => travel(rider, index));
    for (let kill = 0; kill < KILLS; kill++) {
      await new Promise((resolve) => setTimeout(resolve, between(random, 200, 1200)));
      await lane.kill('SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, between(random, 50, 600)));
      await lane.start();
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    stop = true;
    await Promise.all(travelling);
    assert.ok(confirmed.length >= 20, `only ${confirmed.length} passages confirmed (${JSON.stringify(outcomes)})`);

    const received = await eventually(async () => {
      const rows = await net.gateway.knex('passages').where({ lane_id: site.id }).select('id', 'lane_seq', 'journey_id');
      return rows.length >= confirmed.length ? rows : undefined;
    }, 30_000, `${confirmed.length} passages at the gateway`);
    const receivedIds = new Set(received.map((row) => row.id));
    const missing = confirmed.filter((id) => !receivedIds.has(id));
    const extra = [...receivedIds].filter((id) => !confirmed.includes(id));
    assert.deepEqual({ missing, extra, total: received.length }, { missing: [], extra: [], total: confirmed.length }, `outcomes ${JSON.stringify(outcomes)}`);
    assert.deepEqual(received.map((row) => Number(row.lane_seq)).sort((a, b) => a - b), confirmed.map((_, index) => index + 1), 'lane sequence gap-free');

    // Every passage in exactly one journey; every priced journey charged by exactly one posting.
    // Pairing follows ingest: wait until every passage is in a journey.
    const journeys = await eventually(async () => {
      const rows = (await net.gateway.knex('journeys').whereIn('entry_passage_id', confirmed).orWhereIn('exit_passage_id', confirmed).select('id', 'status', 'entry_passage_id', 'exit_passage_id')).filter((journey) => journey.status !== 'void');
      const covered = rows.flatMap((journey) => [journey.entry_passage_id, journey.exit_passage_id].filter(Boolean));
      return covered.length >= confirmed.length ? rows : undefined;
    }, 30_000, 'every passage to be paired');
    const inJourneys = journeys.flatMap((journey) => [journey.entry_passage_id, journey.exit_passage_id].filter(Boolean));
    assert.deepEqual([...inJourneys].sort(), [...confirmed].sort(), 'each passage in one journey');
    const priced = journeys.filter((journey) => journey.status !== 'open');
    const charges = await net.gateway.knex('postings').whereIn('journey_id', priced.map((journey) => journey.id)).where('idempotency_key', 'like', 'charge:%').select('journey_id');
    assert.deepEqual(charges.map((charge) => charge.journey_id).sort(), priced.map((journey) => journey.id).sort(), 'one charge per priced journey');

    // No gate opened without a journal record.
    await lane.kill('SIGTERM');
    lane = undefined;
    const journal = new Database(journalFile, { readonly: true });
    try {
      const ids = new Set((journal.prepare('SELECT id FROM decisions').all() as Array<{ id: string }>).map((row) => row.id));
      for (const id of opened) assert.ok(ids.has(id), `gate opened for ${id} without a journal record`);
    } finally {
      journal.close();
    }
    console.log(`      ${KILLS} kills: ${confirmed.length} passages confirmed and charged once; outcomes ${JSON.stringify(outcomes)}`);
  });
});
