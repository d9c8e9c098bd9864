import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import QRCode from 'qrcode';
import { parseLaneConfig, type LaneConfigInput } from '../../../lanes/config.js';
import type { HotStore } from '../../../lanes/hotstate/hotStore.js';
import { LaneController } from '../../../lanes/laneController.js';
import { silentLogger } from '../../../lanes/log.js';
import { uuidv7 } from '../../../protocol/ids.js';
import { GateCommand, PROTOCOL_VERSION, type CameraFrame, type Direction } from '../../../protocol/messages.js';
import { topics } from '../../../protocol/topics.js';
import { connectMqtt, endMqtt } from '../../../runtime/mqtt.js';
import { uniqueSuffix } from '../../support/environment.js';

export function uniqueSiteId(prefix = 'T'): string {
  return `${prefix}${uniqueSuffix()}`;
}

export function testLaneConfig(overrides: Partial<LaneConfigInput> & { siteId: string; journalDir: string }) {
  const { journalDir, ...rest } = overrides;
  return parseLaneConfig({
    journalFile: join(journalDir, `${rest.siteId}.sqlite`),
    trustPollIntervalMs: 60_000,
    statusIntervalMs: 60_000,
    outboxRetryMinMs: 50,
    outboxRetryMaxMs: 200,
    httpTimeoutMs: 2000,
    ...rest,
  });
}

export async function startLane(options: { config: ReturnType<typeof testLaneConfig>; hotStore?: HotStore; mqtt?: MqttClient }): Promise<LaneController> {
  const lane = new LaneController({ config: options.config, hotStore: options.hotStore, mqtt: options.mqtt, logger: silentLogger });
  await lane.start();
  return lane;
}

/** Polls until check() holds; for counters that change as a lane processes messages. */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Test devices of one site over MQTT: publish scans and passages, and collect the commands that answer. */
export class TestDevices {
  readonly commands: GateCommand[] = [];
  private waiters = new Map<string, (command: GateCommand) => void>();

  private constructor(readonly client: MqttClient, readonly siteId: string) {}

  static async connect(brokerUrl: string, siteId: string): Promise<TestDevices> {
    const client = await connectMqtt(brokerUrl, { clientId: `devices-${siteId}-${uniqueSuffix()}` });
    const devices = new TestDevices(client, siteId);
    client.on('message', (topic, payload) => {
      if (!topic.endsWith('/cmd/gate')) return;
      const command = GateCommand.parse(JSON.parse(payload.toString()));
      devices.commands.push(command);
      devices.waiters.get(command.replyTo)?.(command);
    });
    await client.subscribeAsync(topics.gateCommand(siteId, '+'), { qos: 1 });
    return devices;
  }

  close(): Promise<void> {
    return endMqtt(this.client);
  }

  /** Publish a scan and resolve with the command that answers it. */
  async scan(deviceId: string, input: { code?: string; frame?: CameraFrame; msgId?: string }, direction: Direction = 'entry'): Promise<GateCommand> {
    const msgId = input.msgId ?? uuidv7();
    const answered = new Promise<GateCommand>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no command for scan ${msgId}`)), 10_000);
      this.waiters.set(msgId, (command) => {
        clearTimeout(timer);
        this.waiters.delete(msgId);
        resolve(command);
      });
    });
    await this.publishScan(deviceId, { ...input, msgId }, direction);
    return answered;
  }

  async publishScan(deviceId: string, input: { code?: string; frame?: CameraFrame; msgId: string }, direction: Direction = 'entry'): Promise<void> {
    const scan = { v: PROTOCOL_VERSION, msgId: input.msgId, ts: Date.now(), direction, ...(input.code ? { code: input.code } : {}), ...(input.frame ? { frame: input.frame } : {}) };
    await this.client.publishAsync(topics.deviceEvent(this.siteId, deviceId, 'scan'), JSON.stringify(scan), { qos: 1 });
  }

  async passage(deviceId: string, decisionId: string, outcome: 'passed' | 'timeout' = 'passed', msgId = uuidv7()): Promise<void> {
    const event = { v: PROTOCOL_VERSION, msgId, ts: Date.now(), decisionId, outcome, count: outcome === 'passed' ? 1 : 0 };
    await this.client.publishAsync(topics.deviceEvent(this.siteId, deviceId, 'passage'), JSON.stringify(event), { qos: 1 });
  }
}

/** A camera frame (gray8) showing the QR code of text, as a gate scanner would send it. */
export function frameOf(text: string, scale = 3): CameraFrame {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const modules = qr.modules.size;
  const quiet = 4;
  const size = (modules + 2 * quiet) * scale;
  const pixels = Buffer.alloc(size * size, 255);
  for (let row = 0; row < modules; row++) {
    for (let col = 0; col < modules; col++) {
      if (!qr.modules.get(row, col)) continue;
      for (let dy = 0; dy < scale; dy++) pixels.fill(0, ((row + quiet) * scale + dy) * size + (col + quiet) * scale, ((row + quiet) * scale + dy) * size + (col + quiet + 1) * scale);
    }
  }
  return { width: size, height: size, format: 'gray8', data: pixels.toString('base64') };
}
