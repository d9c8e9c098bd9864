import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Gateway } from '../gateway/gateway.js';
import { GATEWAY_ENV, loadGatewayConfig, type GatewayConfig } from '../gateway/config.js';
import { parseLaneConfig, type LaneConfigInput } from '../lanes/config.js';
import { LaneController } from '../lanes/laneController.js';
import { MemoryHotStore } from '../lanes/hotstate/memoryHotStore.js';
import type { HotStore } from '../lanes/hotstate/hotStore.js';
import { silentLogger, type LaneLogger } from '../lanes/log.js';
import { EmbeddedBroker } from '../runtime/embeddedBroker.js';
import { SimulatedNetwork } from '../simulator/network.js';
import { SimulatedTollRoad } from '../simulator/toll/tollRoad.js';
import { DEMO_OBU_CLONE_MAX_SPEED_KMH, type SiteDefinition, type TollSiteDefinition } from './network.js';

export interface DemoNetworkOptions {
  sites: readonly SiteDefinition[];
  /** Toll plazas and gantries (DEMO_TOLL_SITES): one toll lane controller each, and their simulated devices. */
  tollSites?: readonly TollSiteDefinition[];
  /** External broker (Mosquitto); absent starts the embedded one on brokerPort. */
  mqttUrl?: string;
  /**
   * Site secret all credentials derive from (protocol/mqttAccess.ts): the embedded broker checks
   * them, the gateway, lanes and devices present them. Absent, a random secret for this network:
   * everything that needs it runs in this process, and a fixed default would let any local
   * process log in as any device.
   */
  mqttSecret?: string;
  brokerPort: number;
  /** Gateway configuration (database, port, timeouts); the broker URL is filled in here. */
  gateway: GatewayConfig;
  /** Redis for the lanes' shared hot state; absent shares one in-process store among them. */
  redisUrl?: string;
  hotStorePrefix?: string;
  /** Folder of the lanes' journals (one SQLite file per lane). */
  dataDir: string;
  /** Any lane option, for every lane (timeouts, intervals). */
  lane?: Partial<LaneConfigInput>;
  laneLogger?: LaneLogger;
  /** Start the simulated turnstiles and validators too. */
  devices?: boolean;
  /** Appended to device MQTT client ids, so several networks can share one external broker. */
  clientIdSuffix?: string;
}

/**
 * A whole network in one process: broker (embedded unless given), gateway, one lane controller per
 * site, and optionally the simulated devices. What `npm start`, the end-to-end tests and the
 * benchmark run. Start order: broker, gateway, lanes, devices; close is the reverse.
 */
export class DemoNetwork {
  broker: EmbeddedBroker | undefined;
  gateway!: Gateway;
  readonly lanes = new Map<string, LaneController>();
  devices: SimulatedNetwork | undefined;
  tollRoad: SimulatedTollRoad | undefined;
  /** The in-process hot store all lanes share when there is no Redis. */
  sharedHotStore: HotStore | undefined;
  mqttUrl = '';
  readonly mqttSecret: string;

  constructor(readonly options: DemoNetworkOptions) {
    this.mqttSecret = options.mqttSecret ?? randomBytes(32).toString('base64url');
  }

  async start(): Promise<this> {
    try {
      if (this.options.mqttUrl) this.mqttUrl = this.options.mqttUrl;
      else {
        this.broker = await new EmbeddedBroker(this.options.brokerPort, { secret: this.mqttSecret }).start();
        this.mqttUrl = this.broker.url;
      }
      await this.startGateway();
      if (!this.options.redisUrl) this.sharedHotStore = new MemoryHotStore({});
      for (const site of this.options.sites) await this.startLane(site);
      for (const site of this.options.tollSites ?? []) await this.startTollLane(site);
      if (this.options.devices !== false) {
        this.devices = new SimulatedNetwork({ brokerUrl: this.mqttUrl, mqttSecret: this.mqttSecret, sites: this.options.sites, clientIdSuffix: this.options.clientIdSuffix });
        await this.devices.start();
        if (this.options.tollSites?.length) {
          this.tollRoad = new SimulatedTollRoad({ brokerUrl: this.mqttUrl, mqttSecret: this.mqttSecret, sites: this.options.tollSites, clientIdSuffix: this.options.clientIdSuffix });
          await this.tollRoad.start();
        }
      }
      return this;
    } catch (error) {
      await this.close().catch(() => {});
      throw error;
    }
  }

  /** Start the gateway; after a stopGateway(), on the same port, so lanes find it again. */
  async startGateway(): Promise<Gateway> {
    const httpPort = this.gateway ? this.gateway.port : this.options.gateway.httpPort;
    this.gateway = new Gateway({ config: Object.freeze({ ...this.options.gateway, httpPort, mqttUrl: this.mqttUrl, mqttSecret: this.mqttSecret }) });
    await this.gateway.start();
    return this.gateway;
  }

  /** Take the gateway away (an outage, as lanes see it); startGateway() brings it back. */
  async stopGateway(): Promise<void> {
    await this.gateway.close();
  }

  laneConfigFor(site: SiteDefinition) {
    return this.siteLaneConfig(site.id, { mode: site.mode });
  }

  /** Start (or restart) the lane controller of one site. */
  async startLane(site: SiteDefinition): Promise<LaneController> {
    return this.launchLane(site.id, this.laneConfigFor(site));
  }

  /** A toll plaza's or gantry's lane controller: the same machinery in toll mode, with the site's physical lanes. */
  tollLaneConfigFor(site: TollSiteDefinition) {
    return this.siteLaneConfig(site.id, { mode: 'toll', tollSiteKind: site.kind, tollLanes: site.lanes });
  }

  async startTollLane(site: TollSiteDefinition): Promise<LaneController> {
    return this.launchLane(site.id, this.tollLaneConfigFor(site));
  }

  /** What every lane of the network shares (gateway, broker, hot store, data folder), plus its site's own. */
  private siteLaneConfig(siteId: string, own: Partial<LaneConfigInput>) {
    return parseLaneConfig({
      siteId,
      stationId: siteId,
      ...own,
      gatewayUrl: this.gateway.url,
      mqttUrl: this.mqttUrl,
      redisUrl: this.options.redisUrl,
      hotStorePrefix: this.options.hotStorePrefix,
      journalFile: join(this.options.dataDir, `lane-${siteId}.sqlite`),
      mqttSecret: this.mqttSecret,
      ...this.options.lane,
    });
  }

  private async launchLane(siteId: string, config: ReturnType<typeof parseLaneConfig>): Promise<LaneController> {
    const lane = new LaneController({ config, hotStore: this.sharedHotStore, logger: this.options.laneLogger ?? silentLogger });
    this.lanes.set(siteId, lane);
    await lane.start();
    return lane;
  }

  async stopLane(siteId: string): Promise<void> {
    const lane = this.lanes.get(siteId);
    this.lanes.delete(siteId);
    await lane?.close();
  }

  async close(): Promise<void> {
    await this.devices?.close();
    this.devices = undefined;
    await this.tollRoad?.close();
    this.tollRoad = undefined;
    for (const lane of this.lanes.values()) await lane.close();
    this.lanes.clear();
    if (this.sharedHotStore) await this.sharedHotStore.close();
    // The gateway may not have been constructed if the broker failed to start.
    if (this.gateway) await this.gateway.close();
    await this.broker?.close();
    this.broker = undefined;
  }
}

export function demoGatewayConfig(env: NodeJS.ProcessEnv, overrides: Parameters<typeof loadGatewayConfig>[1] = {}): GatewayConfig {
  // The demo road runs faster than real time: so does its cloned-tag speed limit, unless one is set.
  const cloneSpeed = env[GATEWAY_ENV.obuCloneMaxSpeedKmh] ? {} : { obuCloneMaxSpeedKmh: DEMO_OBU_CLONE_MAX_SPEED_KMH };
  return loadGatewayConfig(env, { seedDemoNetwork: true, ...cloneSpeed, ...overrides });
}
