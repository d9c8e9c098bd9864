import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { SiteDefinition } from '../../demo/network.js';
import type { PassageEvent } from '../../protocol/messages.js';
import { startTestBroker, type TestBroker } from '../support/environment.js';
import { SimulatedNetwork } from '../../simulator/network.js';
import { GateQueue } from '../../simulator/people/gateQueue.js';
import { AutoLane } from './autoLane.js';
import { testRider, testSites } from './support.js';

describe('simulator rider', () => {
  let broker: TestBroker;
  let lane: AutoLane;
  let network: SimulatedNetwork;
  let sites: SiteDefinition[];

  beforeEach(async () => {
    broker = await startTestBroker();
    sites = testSites();
    lane = await new AutoLane(broker.url, sites.map((site) => site.id), 30).start();
    network = new SimulatedNetwork({ brokerUrl: broker.url, sites, heartbeatIntervalMs: 0 });
    await network.start();
  });

  afterEach(async () => {
    await network.close();
    await lane.close();
    await broker.close();
  });

  const gate = (index = 0) => network.turnstilesAt(sites[0].id)[index];
  const nextPassage = async () => ((await once(lane, 'passage')) as [{ passage: PassageEvent }])[0].passage;

  it('when a normal rider taps in, then the gate opens, the rider walks through, and the lane sees one person pass', async () => {
    const passage = nextPassage();
    const result = await testRider().tapIn(gate());
    assert.deepEqual([result.commandReceived, result.action, result.passage, result.direction], [true, 'open', 'walkedThrough', 'entry']);
    assert.ok(result.rttMs! > 0);
    const seen = await passage;
    assert.deepEqual([seen.decisionId, seen.outcome, seen.count], [result.decisionId, 'passed', 1]);
  });

  it('when a tailgater taps out, then the passage counts two people', async () => {
    const passage = nextPassage();
    const result = await testRider().tapOut(gate(), { behaviour: 'tailgater' });
    assert.deepEqual([result.direction, result.passage], ['exit', 'tailgated']);
    assert.equal((await passage).count, 2);
  });

  it('when a rider walks away from the open gate, then the gate times out and nobody passes', async () => {
    const passage = nextPassage();
    const result = await testRider().tapIn(gate(), { behaviour: 'walkAway' });
    assert.deepEqual([result.action, result.passage], ['open', 'walkedAway']);
    const seen = await passage;
    assert.deepEqual([seen.decisionId, seen.outcome, seen.count], [result.decisionId, 'timeout', 0]);
  });

  it('when a replayer shows a code that already opened a gate, then it is denied as CODE_ALREADY_USED', async () => {
    const honest = await testRider().tapIn(gate(0));
    const result = await testRider().tapIn(gate(1), { behaviour: 'screenshotReplayer', code: honest.code });
    assert.deepEqual([result.action, result.reason, result.passage], ['deny', 'CODE_ALREADY_USED', undefined]);
  });

  it('when a replayer shows an old screenshot of its own, then it is denied as CODE_STALE', async () => {
    const result = await testRider().tapIn(gate(), { behaviour: 'screenshotReplayer' });
    assert.deepEqual([result.action, result.reason], ['deny', 'CODE_STALE']);
  });

  it('when a rider boards a bus, then the validator confirms the boarding at once; a reused code boards nobody', async () => {
    const validator = network.validatorsAt(sites[2].id)[0];
    const passage = nextPassage();
    const boarded = await testRider().board(validator);
    assert.deepEqual([boarded.direction, boarded.action, boarded.passage], ['board', 'open', 'boarded']);
    assert.equal((await passage).decisionId, boarded.decisionId);
    const replayed = await testRider().board(validator, { behaviour: 'screenshotReplayer', code: boarded.code });
    assert.deepEqual([replayed.action, replayed.reason, replayed.passage], ['deny', 'CODE_ALREADY_USED', undefined]);
    assert.equal(validator.counters.boardings, 1);
  });

  it('when riders queue at one gate, then each gets their own opening in turn', async () => {
    const queue = new GateQueue();
    const results = await Promise.all([1, 2, 3].map(() => testRider(queue).tapIn(gate())));
    assert.deepEqual(results.map((result) => result.passage), ['walkedThrough', 'walkedThrough', 'walkedThrough']);
    assert.equal(new Set(results.map((result) => result.decisionId)).size, 3);
    assert.equal(gate().counters.passed, 3);
  });

  it('when the gate is offline, then the rider action reports DEVICE_OFFLINE', async () => {
    gate().goOffline();
    const result = await testRider().tapIn(gate());
    assert.deepEqual([result.commandReceived, result.error], [false, 'DEVICE_OFFLINE']);
  });
});
