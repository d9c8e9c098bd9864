import assert from 'node:assert/strict';
import { deciderFixture } from './support/deciderFixture.js';

describe('lane scan decisions with the hot store', () => {
  it('when a code passes the offline checks, then the first scan opens and a second one is CODE_ALREADY_USED', async () => {
    const fixture = deciderFixture();
    const code = fixture.issuer.wallet(fixture.clock.now()).code(fixture.clock.now());
    assert.equal((await fixture.decider.decide(code, 'entry', fixture.clock.now())).action, 'open');
    assert.equal((await fixture.decider.decide(code, 'exit', fixture.clock.now())).reason, 'CODE_ALREADY_USED');
  });

  it('when a rider is in and enters again, then PASSBACK_ENTRY_AFTER_ENTRY, until the passback window has passed', async () => {
    const fixture = deciderFixture({ passbackWindowS: 600 });
    const wallet = fixture.issuer.wallet(fixture.clock.now());
    await fixture.hotStore.setPassback(wallet.credential!.tokenId, { state: 'in', site: 'M1-01', at: fixture.clock.now() }, 600_000);
    assert.equal((await fixture.decider.decide(wallet.code(fixture.clock.now()), 'entry', fixture.clock.now())).reason, 'PASSBACK_ENTRY_AFTER_ENTRY');
    assert.equal((await fixture.decider.decide(wallet.code(fixture.clock.now()), 'exit', fixture.clock.now())).action, 'open');
    fixture.clock.advance(601_000);
    await fixture.hotStore.setPassback(wallet.credential!.tokenId, { state: 'in', site: 'M1-01', at: fixture.clock.now() - 601_000 }, 600_000);
    assert.equal((await fixture.decider.decide(wallet.code(fixture.clock.now()), 'entry', fixture.clock.now())).action, 'open');
  });

  it('when the lane serves a bus, then passback is not checked', async () => {
    const fixture = deciderFixture({ mode: 'bus' });
    const wallet = fixture.issuer.wallet(fixture.clock.now());
    await fixture.hotStore.setPassback(wallet.credential!.tokenId, { state: 'in', site: 'B42-1', at: fixture.clock.now() }, 600_000);
    assert.equal((await fixture.decider.decide(wallet.code(fixture.clock.now()), 'board', fixture.clock.now())).action, 'open');
  });

  it('when the credential offline limit is below the required limit, then OFFLINE_LIMIT_EXCEEDED', async () => {
    const fixture = deciderFixture({ requiredOfflineLimitMinor: 1 });
    const wallet = fixture.issuer.wallet(fixture.clock.now(), { offlineLimitMinor: 0 });
    assert.equal((await fixture.decider.decide(wallet.code(fixture.clock.now()), 'entry', fixture.clock.now())).reason, 'OFFLINE_LIMIT_EXCEEDED');
  });

  it('when the trust copy is stale, then the stale offline limit applies and the decision says so', async () => {
    const fixture = deciderFixture({ requiredOfflineLimitMinor: 1, staleRequiredOfflineLimitMinor: 1000 });
    const modest = fixture.issuer.wallet(fixture.clock.now(), { offlineLimitMinor: 500 });
    const generous = fixture.issuer.wallet(fixture.clock.now(), { offlineLimitMinor: 5000 });
    fixture.state.trustStale = true;
    const refused = await fixture.decider.decide(modest.code(fixture.clock.now()), 'entry', fixture.clock.now());
    assert.deepEqual([refused.reason, refused.trustStale], ['OFFLINE_LIMIT_EXCEEDED', true]);
    assert.equal((await fixture.decider.decide(generous.code(fixture.clock.now()), 'entry', fixture.clock.now())).action, 'open');
    fixture.state.trustStale = false;
    assert.equal((await fixture.decider.decide(modest.code(fixture.clock.now()), 'entry', fixture.clock.now())).action, 'open');
  });

  it('when a code is refused offline, then the hot store is not touched and the code stays unused', async () => {
    const fixture = deciderFixture();
    const wallet = fixture.issuer.wallet(fixture.clock.now());
    const code = wallet.code(fixture.clock.now());
    fixture.trust.apply({ version: 2, at: 0, kind: 'deny.add', tokenId: wallet.credential!.tokenId, reason: 'test' });
    assert.equal((await fixture.decider.decide(code, 'entry', fixture.clock.now())).reason, 'TOKEN_DENIED');
    fixture.trust.apply({ version: 3, at: 0, kind: 'deny.remove', tokenId: wallet.credential!.tokenId });
    assert.equal((await fixture.decider.decide(code, 'entry', fixture.clock.now())).action, 'open');
  });

  it('when a scan comes with a direction the site does not take, then WRONG_DIRECTION and the code stays unused', async () => {
    const metro = deciderFixture();
    const code = metro.issuer.wallet(metro.clock.now()).code(metro.clock.now());
    assert.equal((await metro.decider.decide(code, 'board', metro.clock.now())).reason, 'WRONG_DIRECTION');
    assert.equal((await metro.decider.decide(code, 'entry', metro.clock.now())).action, 'open');
    const bus = deciderFixture({ mode: 'bus' });
    const busCode = bus.issuer.wallet(bus.clock.now()).code(bus.clock.now());
    assert.equal((await bus.decider.decide(busCode, 'exit', bus.clock.now())).reason, 'WRONG_DIRECTION');
  });
});
