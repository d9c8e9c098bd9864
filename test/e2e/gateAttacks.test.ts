import assert from 'node:assert/strict';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { RideCodeWallet } from '../../client/rideCodeWallet.js';
import { findSigningKey } from '../../gateway/credentials/issuerKeys.js';
import { LaneController } from '../../lanes/laneController.js';
import { silentLogger } from '../../lanes/log.js';
import type { Clock } from '../../protocol/clock.js';
import type { GateCommand } from '../../protocol/messages.js';
import { ED25519 } from '../../protocol/ridecode/algorithms.js';
import type { CredentialFields } from '../../protocol/ridecode/format.js';
import { signCredential } from '../../protocol/ridecode/sign.js';
import { SimulatedNetwork } from '../../simulator/network.js';
import { flipByte, stripSignature, TestIssuer } from '../lanes/support/issuer.js';
import { temporaryDir } from '../support/environment.js';
import { eventually, TestNetwork, type TestRider } from '../support/testNetwork.js';

/**
 * The attacks a gate meets, made the way an attacker would make them and shown to real gates
 * over MQTT: each is denied with its own reason, and a fresh valid code is never refused.
 */
describe('attacks at the gate', function () {
  this.timeout(120_000);
  let net: TestNetwork;
  let rider: TestRider;

  before(async () => {
    net = await new TestNetwork({ metroStations: 3, buses: 0 }).start();
    rider = await net.rider();
  });
  after(async () => net?.close());

  const scan = async (station: number, gate: number, code: string): Promise<GateCommand> => (await net.gate(net.metro(station), gate).scan({ code }, 'entry')).command;
  const denied = async (station: number, gate: number, code: string): Promise<string | undefined> => {
    const command = await scan(station, gate, code);
    assert.equal(command.action, 'deny', `opened for a code that should be ${command.reason ?? 'denied'}`);
    return command.reason;
  };
  /** A fresh code of a rider nobody has seen opens, and the rider walks through (then exits, so passback is clear). */
  const opensFresh = async (who: TestRider, station = 2): Promise<void> => {
    const command = await scan(station, 3, who.phone.code());
    assert.equal(command.action, 'open', `a fresh valid code was refused: ${command.reason}`);
    await net.gate(net.metro(station), 3).walkThrough();
    const exit = await net.gate(net.metro(station), 2).scan({ code: who.phone.code() }, 'exit');
    assert.equal(exit.command.action, 'open', `a fresh valid exit code was refused: ${exit.command.reason}`);
    await net.gate(net.metro(station), 2).walkThrough();
  };

  /** A credential over the gateway's real signing key, with fields an attacker chose. */
  async function credentialOverRealKey(overrides: Partial<CredentialFields>): Promise<RideCodeWallet> {
    const key = await findSigningKey(net.gateway.knex, Date.now());
    assert.ok(key, 'the gateway has a signing key');
    const wallet = RideCodeWallet.generate();
    const nowS = Math.floor(Date.now() / 1000);
    const fields: CredentialFields = {
      issuerAlgorithmId: ED25519.id, keyId: key.keyId, tokenId: randomBytes(16).toString('hex'), fareClass: 0, offlineLimitMinor: 2000, currencyNumeric: 978,
      validFromS: nowS - 3600, validUntilS: nowS + 86_400, phoneAlgorithmId: ED25519.id, phonePublicKey: ED25519.rawFromPublicKey(wallet.publicKey), ...overrides,
    };
    wallet.setCredential(signCredential(fields, key.privateKey).toString('base64url'));
    return wallet;
  }

  it('when the phone signature is forged or stripped, then CODE_FORGED and CODE_SIGNATURE_MISSING', async () => {
    assert.equal(await denied(0, 0, flipByte(rider.phone.code(), -1)), 'CODE_FORGED');
    assert.equal(await denied(0, 0, stripSignature(rider.phone.code())), 'CODE_SIGNATURE_MISSING');
    assert.equal(await denied(0, 0, flipByte(rider.phone.code(), 40)), 'CREDENTIAL_FORGED');
    await opensFresh(rider);
  });

  it('when a credential is signed by a key the network never issued, then KEY_UNKNOWN', async () => {
    const stranger = TestIssuer.around(Date.now(), 4321);
    assert.equal(await denied(0, 1, stranger.wallet(Date.now()).code(Date.now())), 'KEY_UNKNOWN');
  });

  it('when a credential over a real key is dated outside that key’s validity (beyond its rotation overlap), then KEY_NOT_IN_VALIDITY', async () => {
    const key = await findSigningKey(net.gateway.knex, Date.now());
    const wallet = await credentialOverRealKey({ validFromS: key!.validFromS - 7 * 86_400, validUntilS: key!.validFromS - 86_400 });
    assert.equal(await denied(0, 1, wallet.code(Date.now())), 'KEY_NOT_IN_VALIDITY');
  });

  it('when a screenshot is shown after the freshness window, then CODE_STALE; one still within window and skew opens', async () => {
    const { codeFreshnessS, clockSkewToleranceS } = net.lane(net.metro(0)).config;
    const other = await net.rider();
    assert.equal(await denied(0, 2, other.phone.code(Date.now() - (codeFreshnessS + clockSkewToleranceS + 5) * 1000)), 'CODE_STALE');
    const command = await scan(0, 2, other.phone.code(Date.now() - (codeFreshnessS - 5) * 1000));
    assert.equal(command.action, 'open', `a code within its window was refused: ${command.reason}`);
    await net.gate(net.metro(0), 2).walkThrough();
  });

  it('when the same code is shown at a second station, to enter or to exit, then CODE_ALREADY_USED there', async () => {
    const other = await net.rider();
    const code = other.phone.code();
    assert.equal((await scan(0, 3, code)).action, 'open');
    await net.gate(net.metro(0), 3).walkThrough();
    assert.equal(await denied(1, 0, code), 'CODE_ALREADY_USED');
    const exit = await net.gate(net.metro(1), 1).scan({ code }, 'exit');
    assert.deepEqual([exit.command.action, exit.command.reason], ['deny', 'CODE_ALREADY_USED']);
  });

  it('when the issuer key is revoked, then its credentials are KEY_REVOKED at every lane, and a credential from the new key opens', async () => {
    const holder = await net.rider();
    const oldKey = (await findSigningKey(net.gateway.knex, Date.now()))!.keyId;
    assert.equal((await net.send('POST', '/api/keys', {})).status, 201);
    assert.equal((await net.send('POST', `/api/keys/${oldKey}/revoke`)).status, 200);
    for (const site of net.sites) await eventually(() => net.lane(site).trust.key(oldKey)?.revoked, 5000, `${site.id} to learn of the revocation`);
    for (const station of [0, 1, 2]) assert.equal(await denied(station, 1, holder.phone.code()), 'KEY_REVOKED');
    await holder.phone.refreshCredential();
    await opensFresh(holder);
  });

  describe('a lane whose clock is off', () => {
    let devices: SimulatedNetwork;
    let lane: LaneController;
    const offset = { ms: 0 };
    const skewedClock: Clock = { now: () => Date.now() + offset.ms };
    const dir = temporaryDir('turnpike-skew-');

    before(async () => {
      const site = { ...net.metro(0), id: `${net.metro(0).id}-SK`, deviceIds: [`${net.metro(0).id}-SK-G1`] };
      lane = new LaneController({ config: { ...net.network.laneConfigFor(site), journalFile: join(dir.path, 'skew.sqlite') }, clock: skewedClock, logger: silentLogger });
      await lane.start();
      // The station's devices keep the lane's time (they synchronise with it), so they honour its commands' expiry.
      devices = new SimulatedNetwork({ brokerUrl: net.network.mqttUrl, mqttSecret: net.network.mqttSecret, sites: [site], clientIdSuffix: `sk${process.pid}`, clock: skewedClock });
      await devices.start();
    });
    after(async () => {
      await devices?.close();
      await lane?.close();
      dir.remove();
    });

    const atSkew = async (skewS: number, who: TestRider) => {
      offset.ms = skewS * 1000;
      const gate = devices.turnstiles.values().next().value!;
      const { command } = await gate.scan({ code: who.phone.code() }, 'entry');
      if (command.action === 'open') await gate.walkThrough();
      return command.reason ?? command.action;
    };

    it('when the lane clock is off within the tolerance, then fresh codes open; beyond it, CODE_STALE ahead and CODE_FROM_FUTURE behind', async () => {
      const { codeFreshnessS, clockSkewToleranceS } = lane.config;
      assert.equal(await atSkew(codeFreshnessS + clockSkewToleranceS - 5, await net.rider()), 'open');
      assert.equal(await atSkew(-(clockSkewToleranceS - 5), await net.rider()), 'open');
      assert.equal(await atSkew(codeFreshnessS + clockSkewToleranceS + 5, await net.rider()), 'CODE_STALE');
      assert.equal(await atSkew(-(clockSkewToleranceS + 5), await net.rider()), 'CODE_FROM_FUTURE');
    });
  });
});
