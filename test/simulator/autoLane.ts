import { EventEmitter } from 'node:events';
import type { MqttClient } from 'mqtt';
import { connectMqtt, endMqtt } from '../../runtime/mqtt.js';
import { PROTOCOL_VERSION, PassageEvent, ScanEvent, type GateCommand } from '../../protocol/messages.js';
import { parseDeviceEventTopic, topics } from '../../protocol/topics.js';
import { uuidv7 } from '../../protocol/ids.js';
import { parseCodeText } from '../../protocol/ridecode/format.js';
import type { DenyReason } from '../../protocol/denyReasons.js';
import { uniqueId } from './support.js';

/**
 * A stand-in lane for many sites at once, just clever enough to exercise riders: it opens for
 * a fresh, unused code, and denies stale (older than 60 s) and reused ones. No signatures.
 * Emits 'passage' ({site, device, passage}).
 */
export class AutoLane extends EventEmitter {
  private client: MqttClient | undefined;
  private readonly used = new Set<string>();
  scans = 0;

  constructor(private readonly brokerUrl: string, private readonly siteIds: string[], private readonly openForMs = 5000) {
    super();
  }

  async start(): Promise<this> {
    const client = await connectMqtt(this.brokerUrl, { clientId: uniqueId('autolane') });
    client.on('message', (topic, payload) => {
      const parsed = parseDeviceEventTopic(topic);
      if (!parsed) return;
      const json = JSON.parse(payload.toString('utf8')) as unknown;
      if (parsed.kind === 'scan') void this.answer(parsed.site, parsed.device, ScanEvent.parse(json));
      if (parsed.kind === 'passage') this.emit('passage', { site: parsed.site, device: parsed.device, passage: PassageEvent.parse(json) });
    });
    await client.subscribeAsync(this.siteIds.map((site) => topics.deviceEventsOfSite(site)), { qos: 1 });
    this.client = client;
    return this;
  }

  async close(): Promise<void> {
    if (this.client) await endMqtt(this.client);
    this.client = undefined;
  }

  private decide(scan: ScanEvent): DenyReason | undefined {
    if (scan.code === undefined) return 'FRAME_UNREADABLE';
    const code = parseCodeText(scan.code);
    if (Date.now() / 1000 - code.generatedAtS > 60) return 'CODE_STALE';
    if (this.used.has(scan.code)) return 'CODE_ALREADY_USED';
    this.used.add(scan.code);
    return undefined;
  }

  private async answer(site: string, device: string, scan: ScanEvent): Promise<void> {
    this.scans++;
    const reason = this.decide(scan);
    const command: GateCommand = {
      v: PROTOCOL_VERSION,
      msgId: uuidv7(),
      ts: Date.now(),
      replyTo: scan.msgId,
      decisionId: uuidv7(),
      action: reason ? 'deny' : 'open',
      message: reason ?? 'Welcome',
      expiresAt: Date.now() + 2000,
      openForMs: this.openForMs,
      ...(reason ? { reason } : {}),
    };
    await this.client?.publishAsync(topics.gateCommand(site, device), JSON.stringify(command), { qos: 1 });
  }
}
