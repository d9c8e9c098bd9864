import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import knexFactory, { type Knex } from 'knex';
import { DEMO_SITES, sitesWithSuffix, type SiteDefinition } from '../demo/network.js';
import { openDatabase } from '../db/connect.js';
import { seedDemoNetwork } from '../db/seeds/demoNetwork.js';
import { GATEWAY_ENV, gatewayConfig } from '../gateway/config.js';
import { Gateway } from '../gateway/gateway.js';
import { Phone } from '../simulator/people/phone.js';
import { RiderApi } from '../simulator/people/riderApi.js';
import { SimulatedNetwork } from '../simulator/network.js';
import type { RandomSource } from '../simulator/random.js';
import { anyFreePort } from '../runtime/ports.js';
import { FaultProxy } from './faultProxy.js';
import { faultServices, hostPortOf, withPort } from './faultEnvironment.js';
import { gatewayProcess } from './gatewayProcess.js';
import { MosquittoBroker } from './mosquittoBroker.js';
import { NodeProcess } from './nodeProcess.js';
import type { CheckedLane } from './passageChecker.js';

export interface FaultRigOptions {
  lanes: number;
  riders: number;
  random: RandomSource;
  /** Mosquitto keeps sessions in a file (autosaved every second). */
  brokerPersistence?: boolean;
  /** A proxy between each lane and the broker (packet faults on the lane's hop). */
  laneBrokerProxy?: boolean;
  /** A proxy between the devices and the broker. */
  deviceBrokerProxy?: boolean;
  /** A proxy between the gateway and PostgreSQL (only with DATABASE_URL). */
  databaseProxy?: boolean;
  /** A proxy between the lanes and Redis (only with REDIS_URL). */
  redisProxy?: boolean;
  /** More LANE_* settings for every lane. */
  laneEnv?: Record<string, string>;
  /** Gateway settings over the rig's own (for instance a running exception sweeper). */
  gateway?: Parameters<typeof gatewayConfig>[0];
  /**
   * Run the gateway as its own process (gateway/main.ts) on a fixed port, so a scenario can
   * SIGKILL it and start it again; the rig then reads the database through a connection of its own.
   */
  gatewayAsProcess?: boolean;
}

export interface RigLane extends CheckedLane {
  site: SiteDefinition;
  process: NodeProcess;
  brokerProxy?: FaultProxy;
}

export interface RigRider {
  riderId: string;
  phone: Phone;
}

/**
 * One fault run's world: a killable Mosquitto, the gateway (in this process, or as a process of its
 * own a scenario can kill; on SQLite or its own PostgreSQL schema), one lanes/main.ts process per
 * station, simulated turnstiles, enrolled
 * riders, and a FaultProxy on every hop a scenario wants to break. Lanes reach the gateway only
 * through `gatewayProxy`. close() stops all of it, in reverse order, and removes its files.
 */
export class FaultRig {
  readonly dir = mkdtempSync(join(tmpdir(), 'turnpike-faults-'));
  readonly suffix = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  readonly sites: SiteDefinition[];
  readonly broker: MosquittoBroker;
  readonly lanes: RigLane[] = [];
  readonly riders: RigRider[] = [];
  /** The gateway in this process (absent with gatewayAsProcess). */
  gateway: Gateway | undefined;
  /** The gateway as its own process (with gatewayAsProcess). */
  gatewayNode: NodeProcess | undefined;
  gatewayProxy!: FaultProxy;
  private gatewayPort = 0;
  private ownKnex: Knex | undefined;
  deviceProxy: FaultProxy | undefined;
  databaseProxy: FaultProxy | undefined;
  redisProxy: FaultProxy | undefined;
  devices!: SimulatedNetwork;
  private readonly schema: string | undefined;
  private readonly proxies: FaultProxy[] = [];

  constructor(readonly options: FaultRigOptions) {
    const metro = DEMO_SITES.filter((site) => site.mode === 'metro').slice(0, options.lanes);
    if (metro.length < options.lanes) throw new RangeError(`the demo network has only ${metro.length} metro stations`);
    this.sites = sitesWithSuffix(metro, this.suffix);
    this.broker = new MosquittoBroker(this.dir, { persistence: options.brokerPersistence });
    this.schema = faultServices.databaseUrl ? `faults_${this.suffix}` : undefined;
  }

  async start(): Promise<this> {
    try {
      await this.broker.start();
      await this.startGateway();
      await this.startLanes();
      const brokerUrl = this.options.deviceBrokerProxy ? (this.deviceProxy = await this.proxy('devices-broker', this.broker.port, true)).urlFor('mqtt') : this.broker.url;
      this.devices = new SimulatedNetwork({ brokerUrl, sites: this.sites, clientIdSuffix: this.suffix, heartbeatIntervalMs: 0 });
      await this.devices.start();
      await this.enrolRiders();
      return this;
    } catch (error) {
      await this.close().catch(() => {});
      throw error;
    }
  }

  /** The gateway's database, as the checker reads it. */
  get knex(): Knex {
    const knex = this.ownKnex ?? this.gateway?.knex;
    if (!knex) throw new Error('the rig has not started');
    return knex;
  }

  /** The gateway itself (riders enrol here); lanes go through gatewayProxy. */
  get gatewayUrl(): string {
    return `http://127.0.0.1:${this.gatewayPort}`;
  }

  private async startGateway(): Promise<void> {
    let databaseUrl = faultServices.databaseUrl;
    if (databaseUrl && this.options.databaseProxy) {
      const target = hostPortOf(databaseUrl);
      this.databaseProxy = await this.proxy('gateway-database', target.port, false, target.host);
      databaseUrl = withPort(databaseUrl, this.databaseProxy.port);
    }
    const config = gatewayConfig({ httpPort: 0, databaseUrl, databaseSchema: this.schema, sqliteFile: join(this.dir, 'gateway.sqlite'), mqttUrl: this.broker.url, sweepIntervalMs: 0, ...this.options.gateway });
    if (this.options.gatewayAsProcess) {
      // Migrated and seeded from here first; the process then finds its schema up to date.
      this.ownKnex = await openDatabase({ databaseUrl: faultServices.databaseUrl, sqliteFile: config.sqliteFile, schema: config.databaseSchema });
      await seedDemoNetwork(this.ownKnex, this.sites);
      this.gatewayPort = await anyFreePort();
      const env: Record<string, string> = {};
      for (const [key, value] of Object.entries({ ...config, httpPort: this.gatewayPort })) if (value !== undefined) env[GATEWAY_ENV[key as keyof typeof GATEWAY_ENV]] = String(value);
      this.gatewayNode = gatewayProcess(env);
      await this.gatewayNode.start();
    } else {
      this.gateway = new Gateway({ config });
      await this.gateway.start();
      await seedDemoNetwork(this.gateway.knex, this.sites);
      this.gatewayPort = this.gateway.port;
    }
    this.gatewayProxy = await this.proxy('lanes-gateway', this.gatewayPort);
  }

  private async startLanes(): Promise<void> {
    let redisUrl = faultServices.redisUrl;
    if (redisUrl && this.options.redisProxy) {
      const target = hostPortOf(redisUrl);
      this.redisProxy = await this.proxy('lanes-redis', target.port, false, target.host);
      redisUrl = withPort(redisUrl, this.redisProxy.port);
    }
    for (const site of this.sites) {
      const journalFile = join(this.dir, `lane-${site.id}.sqlite`);
      const brokerProxy = this.options.laneBrokerProxy ? await this.proxy(`lane-${site.id}-broker`, this.broker.port, true) : undefined;
      const env: Record<string, string> = {
        LANE_SITE_ID: site.id,
        LANE_MODE: site.mode,
        GATEWAY_URL: this.gatewayProxy.urlFor('http'),
        MQTT_URL: brokerProxy ? brokerProxy.urlFor('mqtt') : this.broker.url,
        LANE_MQTT_CLIENT_ID: `lane-${site.id}`,
        LANE_JOURNAL_FILE: journalFile,
        LANE_OUTBOX_RETRY_MIN_MS: '50',
        LANE_OUTBOX_RETRY_MAX_MS: '500',
        LANE_STATUS_INTERVAL_MS: '1000',
        LANE_TRUST_POLL_INTERVAL_MS: '5000',
        ...(redisUrl ? { REDIS_URL: redisUrl, LANE_HOT_STORE_PREFIX: `tpfaults:${this.suffix}:` } : {}),
        ...this.options.laneEnv,
      };
      const lane: RigLane = { site, siteId: site.id, journalFile, process: new NodeProcess(`lane ${site.id}`, 'lanes/main.ts', env, 'lane.ready'), brokerProxy };
      this.lanes.push(lane);
    }
    // Lanes start side by side: each spends a second or two compiling under tsx.
    await Promise.all(this.lanes.map((lane) => lane.process.start()));
  }

  private async enrolRiders(): Promise<void> {
    const api = new RiderApi(this.gatewayUrl);
    for (let index = 0; index < this.options.riders; index++) {
      const created = await api.createRider({ name: `Fault rider ${index}` });
      await api.topUp(created.id, 1_000_000, `faults-${created.id}`);
      const phone = new Phone();
      await phone.enrol(this.gatewayUrl, created.id, created.accessToken);
      this.riders.push({ riderId: created.id, phone });
    }
  }

  private async proxy(name: string, port: number, mqtt = false, host?: string): Promise<FaultProxy> {
    const proxy = await new FaultProxy(name, { host, port }, { mqtt, random: this.options.random }).start();
    this.proxies.push(proxy);
    return proxy;
  }

  /** Wait until every lane's outbox is at the gateway, or give up after timeoutMs. */
  async drained(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    const { readLaneJournal } = await import('./laneJournalReader.js');
    while (Date.now() < deadline) {
      const expected = this.lanes.reduce((sum, lane) => sum + readLaneJournal(lane.siteId, lane.journalFile).outbox.length, 0);
      const row = await this.knex('passages').whereIn('lane_id', this.sites.map((site) => site.id)).count({ n: '*' }).first();
      if (Number(row?.n ?? 0) >= expected) return true;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return false;
  }

  async close(): Promise<void> {
    await this.devices?.close().catch(() => {});
    await Promise.all(this.lanes.map((lane) => lane.process.stop().catch(() => {})));
    for (const proxy of this.proxies) proxy.heal();
    await this.gateway?.close().catch(() => {});
    await this.gatewayNode?.stop().catch(() => {});
    await this.ownKnex?.destroy().catch(() => {});
    for (const proxy of this.proxies) await proxy.close();
    await this.broker.close();
    if (this.schema && faultServices.databaseUrl) {
      const admin = knexFactory({ client: 'pg', connection: faultServices.databaseUrl });
      await admin.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [this.schema]).catch(() => {});
      await admin.destroy();
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
