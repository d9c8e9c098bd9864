import assert from 'node:assert/strict';
import { once } from 'node:events';
import { startTestBroker, type TestBroker } from '../support/environment.js';
import { SimulatedNetwork } from '../../simulator/network.js';
import { GateQueue } from '../../simulator/people/gateQueue.js';
import { Traffic, type JourneyResult } from '../../simulator/scenario/traffic.js';
import { AutoLane } from './autoLane.js';
import { testRider, testSites } from './support.js';

describe('simulator traffic', () => {
  let broker: TestBroker;
  let lane: AutoLane;
  let network: SimulatedNetwork;
  let traffic: Traffic | undefined;

  beforeEach(async () => {
    broker = await startTestBroker();
    const sites = testSites();
    lane = await new AutoLane(broker.url, sites.map((site) => site.id), 30).start();
    network = new SimulatedNetwork({ brokerUrl: broker.url, sites, heartbeatIntervalMs: 0, gateDirections: 'split' });
    await network.start();
  });

  afterEach(async () => {
    await traffic?.close();
    await network.close();
    await lane.close();
    await broker.close();
  });

  it('when traffic runs with a mix of behaviours, then journeys complete and the counters add up', async function () {
    this.timeout(20_000);
    const queue = new GateQueue();
    traffic = new Traffic({
      network,
      riders: Array.from({ length: 12 }, () => testRider(queue)),
      journeysPerMinute: 3000,
      rideMs: { min: 5, max: 20 },
      behaviourMix: { normal: 4, tailgater: 1, walkAway: 1, screenshotReplayer: 2 },
      seed: 7,
    });
    const journeys: JourneyResult[] = [];
    traffic.on('journey', (journey: JourneyResult) => journeys.push(journey));
    traffic.start();
    while (journeys.length < 60) await once(traffic, 'journey');
    await traffic.close();
    const counters = traffic.counters;
    assert.equal(counters.journeysStarted, counters.journeysFinished);
    assert.equal(counters.scans, counters.opened + counters.denied + counters.unanswered);
    assert.equal(counters.unanswered, 0);
    assert.ok(counters.tailgates > 0 && counters.walkAways > 0, JSON.stringify(counters));
    assert.ok(counters.boardings > 0, 'some journeys by bus');
    const replayDenials = (counters.deniedByReason.CODE_ALREADY_USED ?? 0) + (counters.deniedByReason.CODE_STALE ?? 0);
    assert.equal(replayDenials, counters.denied);
    assert.ok(replayDenials > 0);
    const metroComplete = journeys.filter((journey) => journey.mode === 'metro' && journey.behaviour === 'normal' && journey.actions.length === 2);
    assert.ok(metroComplete.length > 0);
    for (const journey of metroComplete) assert.deepEqual(journey.actions.map((action) => [action.direction, action.passage]), [['entry', 'walkedThrough'], ['exit', 'walkedThrough']]);
    console.log(`      ${JSON.stringify({ ...counters, rttMsTotal: undefined, meanRttMs: +(counters.rttMsTotal / (counters.scans - counters.unanswered)).toFixed(2) })}`);
  });
});
