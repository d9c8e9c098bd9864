import { EventEmitter, once } from 'node:events';
import { generateKeyPairSync } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { connectMqtt, endMqtt } from '../../runtime/mqtt.js';
import { PROTOCOL_VERSION, PassageEvent, ScanEvent, type GateCommand } from '../../protocol/messages.js';
import { parseDeviceEventTopic, topics } from '../../protocol/topics.js';
import { uuidv7 } from '../../protocol/ids.js';
import { ED25519 } from '../../protocol/ridecode/algorithms.js';
import { signCredential } from '../../protocol/ridecode/sign.js';
import type { RideCodeWallet } from '../../client/rideCodeWallet.js';
import { uniqueSuffix } from '../support/environment.js';
import type { SiteDefinition } from '../../demo/network.js';
import { Phone } from '../../simulator/people/phone.js';
import { Rider } from '../../simulator/people/rider.js';
import type { GateQueue } from '../../simulator/people/gateQueue.js';

export function uniqueId(prefix: string): string {
  return `${prefix}-${uniqueSuffix()}`;
}

export interface ReceivedScan {
  device: string;
  scan: ScanEvent;
}

/**
 * The test plays the lane controller: it sees every device event of one site and answers scans
 * with gate commands it writes itself. Emits 'scan', 'passage', 'heartbeat', 'fault', 'status'.
 */
export class TestLane {
  private client: MqttClient | undefined;
  readonly events = new EventEmitter();

  constructor(private readonly brokerUrl: string, readonly siteId: string) {}

  async start(): Promise<this> {
    const client = await connectMqtt(this.brokerUrl, { clientId: uniqueId('testlane') });
    client.on('message', (topic, payload) => {
      const json = JSON.parse(payload.toString('utf8')) as unknown;
      if (topic.endsWith('/status')) return void this.events.emit('status', { device: topic.split('/')[3], status: json });
      const parsed = parseDeviceEventTopic(topic);
      if (!parsed) return;
      if (parsed.kind === 'scan') this.events.emit('scan', { device: parsed.device, scan: ScanEvent.parse(json) });
      else if (parsed.kind === 'passage') this.events.emit('passage', { device: parsed.device, passage: PassageEvent.parse(json) });
      else this.events.emit(parsed.kind, { device: parsed.device, event: json });
    });
    await client.subscribeAsync([topics.deviceEventsOfSite(this.siteId), topics.deviceStatusesOfSite(this.siteId)], { qos: 1 });
    this.client = client;
    return this;
  }

  async nextScan(): Promise<ReceivedScan> {
    const [received] = (await once(this.events, 'scan')) as [ReceivedScan];
    return received;
  }

  /** Answers a scan; `overrides` can make the command stale, a denial, and so on. */
  async answer(received: ReceivedScan, overrides: Partial<GateCommand> = {}): Promise<GateCommand> {
    const command: GateCommand = {
      v: PROTOCOL_VERSION,
      msgId: uuidv7(),
      ts: Date.now(),
      replyTo: received.scan.msgId,
      decisionId: uuidv7(),
      action: 'open',
      message: 'Welcome',
      expiresAt: Date.now() + 2000,
      ...overrides,
    };
    await this.client!.publishAsync(topics.gateCommand(this.siteId, received.device), JSON.stringify(command), { qos: 1 });
    return command;
  }

  async close(): Promise<void> {
    if (this.client) await endMqtt(this.client);
    this.client = undefined;
  }
}

/** Gives the wallet a credential from testCredential(). */
export function giveTestCredential(wallet: RideCodeWallet, nowMs = Date.now()): void {
  wallet.setCredential(testCredential(wallet, nowMs));
}

/** A credential for the wallet's key signed with a throwaway issuer key, base64url, as the gateway issues it. */
export function testCredential(wallet: RideCodeWallet, nowMs = Date.now()): string {
  const issuer = generateKeyPairSync('ed25519');
  const nowS = Math.floor(nowMs / 1000);
  const credential = signCredential(
    {
      issuerAlgorithmId: ED25519.id,
      keyId: 1,
      tokenId: uuidv7().replace(/-/g, ''),
      fareClass: 0,
      offlineLimitMinor: 2000,
      currencyNumeric: 978,
      validFromS: nowS - 60,
      validUntilS: nowS + 86_400,
      phoneAlgorithmId: ED25519.id,
      phonePublicKey: ED25519.rawFromPublicKey(wallet.publicKey),
    },
    issuer.privateKey,
  );
  return credential.toString('base64url');
}

/** Two metro stations of two gates and one bus, under ids no other test uses. */
export function testSites(): SiteDefinition[] {
  const tag = uniqueId('T');
  const station = (order: number): SiteDefinition => {
    const id = `${tag}-M${order}`;
    return { id, name: id, operatorId: 'metro', mode: 'metro', line: 'M1', order, deviceIds: [`${id}-G1`, `${id}-G2`] };
  };
  const busId = `${tag}-B1`;
  return [station(0), station(1), { id: busId, name: busId, operatorId: 'bus', mode: 'bus', line: '42', order: 0, deviceIds: [`${busId}-V1`] }];
}

/** A rider whose phone holds a test credential. */
export function testRider(queue?: GateQueue): Rider {
  const phone = new Phone();
  giveTestCredential(phone.wallet);
  return new Rider({ id: uniqueId('rider'), phone, queue });
}
