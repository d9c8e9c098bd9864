import { ManualClock } from '../../../protocol/clock.js';
import { parseLaneConfig, type LaneConfig, type LaneConfigInput } from '../../../lanes/config.js';
import { MemoryHotStore } from '../../../lanes/hotstate/memoryHotStore.js';
import type { HotStore } from '../../../lanes/hotstate/hotStore.js';
import { TrustCopy } from '../../../lanes/trust/trustCopy.js';
import { RideCodeValidator } from '../../../lanes/validation/rideCodeValidator.js';
import { ScanDecider } from '../../../lanes/validation/scanDecider.js';
import { TestIssuer } from './issuer.js';

/** A validator and decider over a trust copy holding one test issuer key, with a manual clock. */
export function deciderFixture(overrides: Partial<LaneConfigInput> = {}, hotStore?: HotStore) {
  const clock = new ManualClock(Date.UTC(2026, 0, 5, 8, 0, 0));
  const config: LaneConfig = parseLaneConfig({ siteId: 'M1-01', journalFile: ':memory:', ...overrides });
  const issuer = TestIssuer.around(clock.now());
  const trust = new TrustCopy();
  trust.apply(issuer.keyAdd(1, clock.now()));
  const store = hotStore ?? new MemoryHotStore({ clock });
  const state = { trustStale: false };
  const validator = new RideCodeValidator(trust, config);
  const decider = new ScanDecider(validator, store, () => state.trustStale, config);
  return { clock, config, issuer, trust, hotStore: store, validator, decider, state };
}
