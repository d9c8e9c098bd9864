import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DecisionWindow } from '../../lanes/status/decisionWindow.js';

describe('decision window (a lane report\'s activity)', () => {
  it('when decisions were taken over the last minute, then it counts them and gives the nearest-rank p50 and p99 of their latency', () => {
    const window = new DecisionWindow();
    for (let i = 1; i <= 100; i++) window.record(1_000_000 + i * 100, i * 1000);
    assert.deepEqual(window.summary(1_000_000 + 10_100), { windowS: 60, decisions: 100, latencyP50Ms: 50, latencyP99Ms: 99 });
  });

  it('when decisions are older than the window, then they no longer count; untimed ones count without a latency', () => {
    const window = new DecisionWindow(60_000);
    window.record(0, 5000);
    window.record(30_000);
    window.record(59_000, 2000);
    assert.deepEqual(window.summary(60_000), { windowS: 60, decisions: 2, latencyP50Ms: 2, latencyP99Ms: 2 });
    assert.deepEqual(window.summary(120_000), { windowS: 60, decisions: 0, latencyP50Ms: null, latencyP99Ms: null });
    window.record(121_000);
    assert.deepEqual(window.summary(121_000), { windowS: 60, decisions: 1, latencyP50Ms: null, latencyP99Ms: null });
  });

  it('when any latencies are recorded, then p50 <= p99, both are recorded values, and the count is exact', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 10_000_000 }), { minLength: 1, maxLength: 300 }), (latencies) => {
        const window = new DecisionWindow();
        latencies.forEach((latencyUs, index) => window.record(index, latencyUs));
        const summary = window.summary(latencies.length);
        const asMs = new Set(latencies.map((us) => us / 1000));
        return summary.decisions === latencies.length && summary.latencyP50Ms! <= summary.latencyP99Ms! && asMs.has(summary.latencyP50Ms!) && asMs.has(summary.latencyP99Ms!);
      }),
    );
  });
});
