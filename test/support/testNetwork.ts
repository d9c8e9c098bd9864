import { join } from 'node:path';
import knexFactory from 'knex';
import { DemoNetwork } from '../../demo/demoNetwork.js';
import { DEMO_SITES, DEMO_TOLL_SITES, sitesWithSuffix, tollSitesWithSuffix, type SiteDefinition, type TollSiteDefinition } from '../../demo/network.js';
import { seedDemoNetwork } from '../../db/seeds/demoNetwork.js';
import { gatewayConfig } from '../../gateway/config.js';
import { credentialsOf, type MqttCredentials } from '../../protocol/mqttAccess.js';
import type { LaneConfigInput } from '../../lanes/config.js';
import type { LaneController } from '../../lanes/laneController.js';
import type { LaneLogger } from '../../lanes/log.js';
import { Phone } from '../../simulator/people/phone.js';
import { RiderApi } from '../../simulator/people/riderApi.js';
import type { Turnstile } from '../../simulator/devices/turnstile.js';
import type { BusValidator } from '../../simulator/devices/busValidator.js';
import { staffSession } from './access.js';
import { services, temporaryDir, uniqueRedisPrefix, uniqueSuffix } from './environment.js';

export interface TestNetworkOptions {
  metroStations?: number;
  buses?: number;
  /** Toll plazas and gantries of the demo road to run too, by id (TW, TG01, ...). */
  tollSites?: string[];
  lane?: Partial<LaneConfigInput>;
  /**
   * The broker: 'services' (default) is MQTT_URL if set, else the embedded aedes; 'embedded'
   * always aedes (with its access hooks); a function starts one for this network's sites and
   * answers its URL (a private authenticating Mosquitto).
   */
  broker?: 'services' | 'embedded' | ((net: TestNetwork) => Promise<string>);
  /** Site secret; default a random one per network. */
  mqttSecret?: string;
  gateway?: Parameters<typeof gatewayConfig>[0];
  /** Where the lanes log (default: nowhere). */
  laneLogger?: LaneLogger;
}

export interface TestRider {
  riderId: string;
  phone: Phone;
  tokenId: string;
}

/**
 * A whole network for one test, on the services under test (embedded or real), with site ids of
 * its own: its own database (file or schema), Redis prefix, lane journals and MQTT topics.
 */
export class TestNetwork {
  readonly sites: SiteDefinition[];
  readonly tollSites: TollSiteDefinition[];
  readonly network: DemoNetwork;
  private readonly dir = temporaryDir('turnpike-net-');
  private readonly schema: string | undefined;
  private riderApi: RiderApi | undefined;
  /** The network's own admin: what getJson and send act as. */
  adminToken: string | undefined;

  constructor(private readonly options: TestNetworkOptions = {}) {
    const suffix = uniqueSuffix();
    const metro = DEMO_SITES.filter((site) => site.mode === 'metro').slice(0, options.metroStations ?? 3);
    const buses = DEMO_SITES.filter((site) => site.mode === 'bus').slice(0, options.buses ?? 1);
    this.sites = sitesWithSuffix([...metro, ...buses], suffix);
    this.tollSites = tollSitesWithSuffix(DEMO_TOLL_SITES.filter((site) => options.tollSites?.includes(site.id)), suffix);
    this.schema = services.databaseUrl ? `t_${suffix}` : undefined;
    this.network = new DemoNetwork({
      sites: this.sites,
      tollSites: this.tollSites,
      mqttUrl: options.broker === 'embedded' ? undefined : services.mqttUrl,
      mqttSecret: options.mqttSecret,
      brokerPort: 0,
      gateway: gatewayConfig({
        httpPort: 0,
        databaseUrl: services.databaseUrl,
        databaseSchema: this.schema,
        sqliteFile: join(this.dir.path, 'gateway.sqlite'),
        sweepIntervalMs: 0,
        passwordCostLog2: 10,
        // Simulated vehicles cross the demo road in milliseconds here, faster than any car could:
        // the cloned-tag rule is off unless a test sets a speed limit for its own pace.
        obuCloneMaxSpeedKmh: 0,
        ...options.gateway,
      }),
      redisUrl: services.redisUrl,
      hotStorePrefix: uniqueRedisPrefix(),
      dataDir: this.dir.path,
      lane: { statusIntervalMs: 250, trustPollIntervalMs: 1000, outboxRetryMinMs: 100, outboxRetryMaxMs: 500, ...options.lane },
      clientIdSuffix: suffix,
      laneLogger: options.laneLogger,
    });
  }

  async start(): Promise<this> {
    const { broker } = this.options;
    if (typeof broker === 'function') this.network.options.mqttUrl = await broker(this);
    await this.network.start();
    await seedDemoNetwork(this.network.gateway.knex, this.sites, this.tollSites.length ? this.tollSites : undefined);
    this.adminToken = (await staffSession(this.network.gateway.knex, { role: 'admin', operatorId: null })).token;
    return this;
  }

  get gateway() {
    return this.network.gateway;
  }

  /** The MQTT login of a (possibly made-up) device of one of this network's sites. */
  deviceCredentials(siteId: string, deviceId: string): MqttCredentials {
    return credentialsOf(this.network.mqttSecret, { role: 'device', site: siteId, device: deviceId });
  }

  /** Riders' calls with each rider's own token; the network's admin for riders it did not sign up. */
  get api(): RiderApi {
    this.riderApi ??= new RiderApi(this.gateway.url, fetch, this.adminToken);
    return this.riderApi;
  }

  metro(index: number): SiteDefinition {
    return this.sites.filter((site) => site.mode === 'metro')[index];
  }

  bus(index: number): SiteDefinition {
    return this.sites.filter((site) => site.mode === 'bus')[index];
  }

  /** A toll site of this network by its demo id (TW, TG01, ...). */
  tollSite(demoId: string): TollSiteDefinition {
    const site = this.tollSites.find((candidate) => candidate.id.startsWith(`${demoId}-`));
    if (!site) throw new Error(`toll site ${demoId} is not part of this network`);
    return site;
  }

  lane(site: SiteDefinition | TollSiteDefinition): LaneController {
    const lane = this.network.lanes.get(site.id);
    if (!lane) throw new Error(`no lane running for ${site.id}`);
    return lane;
  }

  gate(site: SiteDefinition, index = 0): Turnstile {
    return this.network.devices!.turnstilesAt(site.id)[index];
  }

  validator(site: SiteDefinition): BusValidator {
    return this.network.devices!.validatorsAt(site.id)[0];
  }

  /** A rider signed up over the API, topped up, with an enrolled phone holding a credential. */
  async rider(topUpMinor = 5000, name = 'Test rider'): Promise<TestRider> {
    const created = await this.api.createRider({ name });
    if (topUpMinor > 0) await this.api.topUp(created.id, topUpMinor, `test-${created.id}`);
    const phone = new Phone();
    const enrolment = await phone.enrol(this.gateway.url, created.id, created.accessToken);
    return { riderId: created.id, phone, tokenId: enrolment.tokenId };
  }

  async getJson<T = any>(path: string): Promise<T> {
    const response = await fetch(new URL(path, this.gateway.url), { headers: this.authorization() });
    const body = await response.json();
    if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${JSON.stringify(body)}`);
    return body as T;
  }

  async send<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const response = await fetch(new URL(path, this.gateway.url), { method, headers: { 'content-type': 'application/json', ...this.authorization() }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  private authorization(): Record<string, string> {
    return this.adminToken ? { authorization: `Bearer ${this.adminToken}` } : {};
  }

  async close(): Promise<void> {
    await this.network.close();
    if (this.schema && services.databaseUrl) {
      const admin = knexFactory({ client: 'pg', connection: services.databaseUrl });
      await admin.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [this.schema]);
      await admin.destroy();
    }
    this.dir.remove();
  }
}

/** Poll until check() returns a value other than undefined/false, or fail after timeoutMs. */
export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value as T;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
