import { createServer, type Server } from 'node:http';
import type { Knex } from 'knex';
import type { MqttClient } from 'mqtt';
import { openDatabase } from '../db/connect.js';
import { seedDemoNetwork } from '../db/seeds/demoNetwork.js';
import { systemClock, type Clock } from '../protocol/clock.js';
import { uuidv7, type IdGenerator } from '../protocol/ids.js';
import { credentialsOf } from '../protocol/mqttAccess.js';
import { connectMqtt, endMqtt } from '../runtime/mqtt.js';
import { listenOn } from '../runtime/ports.js';
import { ArrearsSweeper } from './arrears/arrearsSweeper.js';
import { GATEWAY_ENV, type GatewayConfig } from './config.js';
import type { GatewayContext } from './context.js';
import { ensureIssuerKey } from './credentials/issuerKeys.js';
import { createApp } from './http/app.js';
import { LiveStreams } from './http/routes/live.js';
import { ExceptionSweeper } from './journeys/exceptionSweeper.js';
import { JourneyPairer } from './journeys/journeyPairer.js';
import { LaneFeed } from './live/laneFeed.js';
import { LiveHub } from './live/liveHub.js';
import { Metrics } from './metrics.js';
import { NetworkCatalogCache } from './network/catalogCache.js';
import { rebuildRollups } from './reports/rebuildRollups.js';
import { TollPairer } from './tolls/tollPairer.js';
import { TrustPublisher } from './trust/trustPublisher.js';

export interface GatewayOptions {
  config: GatewayConfig;
  clock?: Clock;
  ids?: IdGenerator;
  /** A migrated or migratable database; the gateway opens its own from config when absent. */
  knex?: Knex;
  /** A connected MQTT client; the gateway connects to config.mqttUrl when absent. */
  mqtt?: MqttClient;
}

/**
 * The central service: riders, credentials, trust deltas, passages, journeys, ledger, and the
 * HTTP API. Resources it was given (knex, mqtt) are the caller's to close; the ones it opened
 * are closed by close().
 */
/** How long close() lets requests in flight finish before cutting their connections. */
const CLOSE_GRACE_MS = 2000;

export class Gateway {
  readonly config: GatewayConfig;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly live = new LiveHub();
  readonly metrics = new Metrics();
  private knexInstance: Knex | undefined;
  private mqttClient: MqttClient | undefined;
  private ownsKnex = false;
  private ownsMqtt = false;
  private server: Server | undefined;
  private context: GatewayContext | undefined;
  private sweeperInstance: ExceptionSweeper | undefined;
  private arrearsInstance: ArrearsSweeper | undefined;
  private readonly trust: TrustPublisher;
  private readonly laneFeed: LaneFeed;
  private readonly streams = new LiveStreams();
  port = 0;

  constructor(options: GatewayOptions) {
    this.config = options.config;
    this.clock = options.clock ?? systemClock;
    this.ids = options.ids ?? uuidv7;
    this.knexInstance = options.knex;
    this.mqttClient = options.mqtt;
    this.trust = new TrustPublisher(() => this.mqttClient);
    this.laneFeed = new LaneFeed(this.live, this.metrics);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get knex(): Knex {
    if (!this.knexInstance) throw new Error('gateway not started');
    return this.knexInstance;
  }

  get ctx(): GatewayContext {
    if (!this.context) throw new Error('gateway not started');
    return this.context;
  }

  /** Missing-exit and missing-entry pricing, on demand (tests drive it with their clock). */
  get sweeper(): ExceptionSweeper {
    if (!this.sweeperInstance) throw new Error('gateway not started');
    return this.sweeperInstance;
  }

  /** Arrears retries and grace expiry, on demand (tests drive it with their clock). */
  get arrears(): ArrearsSweeper {
    if (!this.arrearsInstance) throw new Error('gateway not started');
    return this.arrearsInstance;
  }

  async start(): Promise<this> {
    try {
      if (!this.knexInstance) {
        this.knexInstance = await openDatabase({ databaseUrl: this.config.databaseUrl, sqliteFile: this.config.sqliteFile, schema: this.config.databaseSchema });
        this.ownsKnex = true;
      } else {
        await this.knexInstance.migrate.latest();
      }
      if (this.config.seedDemoNetwork) await seedDemoNetwork(this.knexInstance);
      // Rollups never built (a database from before reports) or built for other business days.
      await rebuildRollups(this.knexInstance, this.config, { nowMs: this.clock.now(), onlyIfStale: true });
      if (!this.mqttClient && this.config.mqttUrl) {
        const credentials = this.config.mqttSecret ? credentialsOf(this.config.mqttSecret, { role: 'gateway' }) : {};
        this.mqttClient = await connectMqtt(this.config.mqttUrl, { clientId: `turnpike-gateway-${this.ids().slice(-12)}`, ...credentials });
        this.ownsMqtt = true;
      }
      const ctx: GatewayContext = { config: this.config, knex: this.knexInstance, clock: this.clock, ids: this.ids, trust: this.trust, live: this.live, metrics: this.metrics, catalog: new NetworkCatalogCache(this.knexInstance) };
      this.context = ctx;
      await ensureIssuerKey(ctx);
      if (this.mqttClient) await this.laneFeed.start(this.mqttClient);
      const pairer = new JourneyPairer(ctx);
      const tolls = new TollPairer(ctx);
      this.sweeperInstance = new ExceptionSweeper(ctx, pairer, tolls);
      this.sweeperInstance.start();
      this.arrearsInstance = new ArrearsSweeper(ctx);
      this.arrearsInstance.start();
      const app = createApp(ctx, pairer, tolls, this.streams);
      this.server = createServer(app);
      this.port = await listenOn(this.server, this.config.httpPort, 'The gateway', GATEWAY_ENV.httpPort);
      return this;
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  /**
   * Shutdown order: stop the sweepers (waiting for a sweep in progress), end live streams and
   * stop HTTP (in-flight requests finish against an open database), stop the MQTT feed and end
   * the client if we opened it, then close the database if we opened it.
   */
  async close(): Promise<void> {
    await this.sweeperInstance?.close();
    await this.arrearsInstance?.close();
    this.streams.closeAll();
    const server = this.server;
    this.server = undefined;
    if (server?.listening) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // A request still in flight gets a moment to finish; then its connection is cut, so closing
      // never waits on a client (a lane's keep-alive batch, a stalled browser).
      const cut = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
      await closed;
      clearTimeout(cut);
    }
    await this.laneFeed.close();
    if (this.ownsMqtt && this.mqttClient) await endMqtt(this.mqttClient);
    if (this.ownsMqtt) this.mqttClient = undefined;
    this.ownsMqtt = false;
    if (this.ownsKnex && this.knexInstance) await this.knexInstance.destroy();
    if (this.ownsKnex) this.knexInstance = undefined;
    this.ownsKnex = false;
  }
}
