import { randomBytes } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { DEMO_TOLL_SITES, tollSitesWithSuffix, type TollSiteDefinition } from '../../../demo/network.js';
import type { LaneConfigInput } from '../../../lanes/config.js';
import type { HotStore } from '../../../lanes/hotstate/hotStore.js';
import type { LaneController } from '../../../lanes/laneController.js';
import { uuidv7 } from '../../../protocol/ids.js';
import { PROTOCOL_VERSION, type DeviceStatus } from '../../../protocol/messages.js';
import { BarrierCommand, DisplayCommand, type LoopEvent, type ObuRead, type PlateRead, type TollPassageRecord } from '../../../protocol/toll.js';
import { topics } from '../../../protocol/topics.js';
import { connectMqtt, endMqtt } from '../../../runtime/mqtt.js';
import { startTestBroker, temporaryDir, uniqueSuffix, type TestBroker } from '../../support/environment.js';
import { FakeGateway } from '../support/fakeGateway.js';
import { startLane, testLaneConfig, waitFor } from '../support/laneHarness.js';

export function randomTagId(): string {
  return randomBytes(8).toString('hex').toUpperCase();
}

export function randomTokenId(): string {
  return randomBytes(16).toString('hex');
}

export function randomPlate(): string {
  return `T${randomBytes(3).toString('hex').toUpperCase()}`;
}

/** A demo toll site (West plaza or a gantry) under ids of its own. */
export function tollSite(id: 'TW' | 'TE' | 'TG01' | 'TG02'): TollSiteDefinition {
  return tollSitesWithSuffix(DEMO_TOLL_SITES.filter((site) => site.id === id), uniqueSuffix())[0];
}

/** Test lane settings for a toll site: short windows so tests do not wait, no background polling. */
export function tollLaneConfig(site: TollSiteDefinition, options: { gatewayUrl: string; mqttUrl: string; journalDir: string } & Partial<LaneConfigInput>) {
  return testLaneConfig({
    siteId: site.id,
    mode: 'toll',
    tollSiteKind: site.kind,
    tollLanes: site.lanes,
    tollFusionWindowMs: 300,
    outboxLingerMs: 0,
    ...options,
  });
}

export async function startTollLane(site: TollSiteDefinition, options: Parameters<typeof tollLaneConfig>[1], hotStore?: HotStore): Promise<LaneController> {
  return startLane({ config: tollLaneConfig(site, options), hotStore });
}

/** A vehicle as its tag and plate describe it. */
export interface TestVehicle {
  tagId: string;
  plate: string;
  vehicleClass: string;
  tokenId: string;
}

export function testVehicle(vehicleClass = '1'): TestVehicle {
  return { tagId: randomTagId(), plate: randomPlate(), vehicleClass, tokenId: randomTokenId() };
}

export function registerVehicle(gateway: FakeGateway, vehicle: TestVehicle): void {
  gateway.addTrustChange({ kind: 'vehicle.add', at: Date.now(), tokenId: vehicle.tokenId, tagId: vehicle.tagId, plate: vehicle.plate, vehicleClass: vehicle.vehicleClass });
}

/**
 * The devices of one toll site as a raw MQTT client: publishes what roadside units, cameras and
 * loops send, and collects the barrier and display commands the lane sends back.
 */
export class TollTestDevices {
  readonly barrierCommands: BarrierCommand[] = [];
  readonly displayCommands: DisplayCommand[] = [];

  private constructor(readonly client: MqttClient, readonly site: TollSiteDefinition) {}

  static async connect(brokerUrl: string, site: TollSiteDefinition): Promise<TollTestDevices> {
    const client = await connectMqtt(brokerUrl, { clientId: `toll-devices-${site.id}-${uniqueSuffix()}` });
    const devices = new TollTestDevices(client, site);
    client.on('message', (topic, payload) => {
      const json = JSON.parse(payload.toString()) as unknown;
      if (topic.endsWith('/cmd/barrier')) devices.barrierCommands.push(BarrierCommand.parse(json));
      if (topic.endsWith('/cmd/display')) devices.displayCommands.push(DisplayCommand.parse(json));
    });
    await client.subscribeAsync({ [topics.barrierCommand(site.id, '+')]: { qos: 1 }, [topics.displayCommand(site.id, '+')]: { qos: 1 } });
    return devices;
  }

  close(): Promise<void> {
    return endMqtt(this.client);
  }

  private lane(lane: string) {
    const found = this.site.lanes.find((candidate) => candidate.lane === lane);
    if (!found) throw new Error(`site ${this.site.id} has no lane ${lane}`);
    return found;
  }

  async obu(lane: string, vehicle: Pick<TestVehicle, 'tagId' | 'plate' | 'vehicleClass'>, extra: Partial<ObuRead> = {}): Promise<ObuRead> {
    const now = Date.now();
    const read: ObuRead = { v: 1, msgId: uuidv7(), ts: now, lane, tagId: vehicle.tagId, declaredClass: vehicle.vehicleClass, tagPlate: vehicle.plate, readAt: now, rssiDbm: -55, tampered: false, ...extra };
    await this.publish(this.lane(lane).devices.rsu, 'obu', read);
    return read;
  }

  async plate(lane: string, plate: string, confidence = 0.97, extra: Partial<PlateRead> = {}): Promise<PlateRead> {
    const now = Date.now();
    const read: PlateRead = { v: 1, msgId: uuidv7(), ts: now, lane, plate, colour: 'white', confidence, imageRef: `img/${uuidv7()}.jpg`, readAt: now, ...extra };
    await this.publish(this.lane(lane).devices.camera, 'plate', read);
    return read;
  }

  async loop(lane: string, state: LoopEvent['state']): Promise<LoopEvent> {
    const now = Date.now();
    const event: LoopEvent = { v: 1, msgId: uuidv7(), ts: now, lane, state, at: now };
    await this.publish(this.lane(lane).devices.loop!, 'loop', event);
    return event;
  }

  /** A vehicle drives over the lane's loop: occupied, then clear. */
  async driveOver(lane: string): Promise<void> {
    await this.loop(lane, 'occupied');
    await this.loop(lane, 'clear');
  }

  async publish(deviceId: string, kind: 'obu' | 'plate' | 'loop' | 'barrier' | 'heartbeat', payload: object | string): Promise<void> {
    await this.client.publishAsync(topics.deviceEvent(this.site.id, deviceId, kind), typeof payload === 'string' ? payload : JSON.stringify(payload), { qos: 1 });
  }

  /** The retained status a device (or its last will) leaves on the broker. */
  async status(deviceId: string, online: boolean, kind: DeviceStatus['kind']): Promise<void> {
    const status: DeviceStatus = { v: PROTOCOL_VERSION, ts: Date.now(), online, kind };
    await this.client.publishAsync(topics.deviceStatus(this.site.id, deviceId), JSON.stringify(status), { qos: 1, retain: true });
  }

  async clearStatus(deviceId: string): Promise<void> {
    await this.client.publishAsync(topics.deviceStatus(this.site.id, deviceId), '', { qos: 1, retain: true });
  }

  async waitForBarrier(match: (command: BarrierCommand) => boolean, what: string): Promise<BarrierCommand> {
    await waitFor(() => this.barrierCommands.some(match), what);
    return this.barrierCommands.find(match)!;
  }
}

/** Waits for the one toll passage the gateway holds for this vehicle (by tag or plate). */
export async function passageOf(gateway: FakeGateway, match: (passage: TollPassageRecord) => boolean, what: string): Promise<TollPassageRecord> {
  await waitFor(() => [...gateway.tollPassages.values()].some(match), what);
  return [...gateway.tollPassages.values()].find(match)!;
}

export interface TollRig {
  broker: TestBroker;
  gateway: FakeGateway;
  dir: ReturnType<typeof temporaryDir>;
  /** Run after each test, last pushed first, before the broker and the gateway stop. */
  cleanups: (() => Promise<void> | void)[];
}

/** Registers hooks that give each test of the calling suite its own broker, fake gateway and folder. */
export function useTollRig(dirPrefix: string): TollRig {
  const rig = { cleanups: [] } as unknown as TollRig;
  beforeEach(async () => {
    rig.broker = await startTestBroker();
    rig.gateway = await new FakeGateway().start();
    rig.dir = temporaryDir(dirPrefix);
  });
  afterEach(async () => {
    for (const cleanup of rig.cleanups.splice(0).reverse()) await cleanup();
    await rig.gateway.close();
    await rig.broker.close();
    rig.dir.remove();
  });
  return rig;
}
