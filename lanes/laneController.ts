import { laneCredentialsOf } from './laneCredentials.js';
import type { MqttClient } from 'mqtt';
import { systemClock, type Clock } from '../protocol/clock.js';
import { uuidv7, type IdGenerator } from '../protocol/ids.js';
import { MAX_REPORTED_DEVICES, type LaneReport } from '../protocol/laneApi.js';
import { PROTOCOL_VERSION, type LaneStatus } from '../protocol/messages.js';
import { ID_PATTERN, topics } from '../protocol/topics.js';
import type { LaneConfig } from './config.js';
import { GatewayClient } from './gatewayClient.js';
import { inThreadExchange, offThreadExchange, type FetchFunction } from './http/httpExchange.js';
import { DeviceRegistry } from './handlers/deviceRegistry.js';
import type { LaneContext } from './handlers/laneContext.js';
import { LaneCounters } from './handlers/laneCounters.js';
import { MessageRouter } from './handlers/messageRouter.js';
import { createDispatchTable, createTollDispatchTable } from './handlers/dispatchTable.js';
import { TollDevices } from './toll/tollDevices.js';
import { TollJournal } from './toll/tollJournal.js';
import { TollSite } from './toll/tollSite.js';
import type { HotStore } from './hotstate/hotStore.js';
import { createHotStore } from './hotstate/createHotStore.js';
import { DecisionJournal } from './journal/journal.js';
import { openLaneDatabase, type LaneDatabase } from './journal/laneDatabase.js';
import { WalCheckpointer } from './journal/walCheckpointer.js';
import { connectLaneMqtt } from './laneMqtt.js';
import { jsonLogger, type LaneLogger } from './log.js';
import { OutboxForwarder } from './outbox/forwarder.js';
import { OutboxStore } from './outbox/outboxStore.js';
import { JournalDaySummary } from './journal/journalDaySummary.js';
import { JournalDayReporter } from './status/journalDayReporter.js';
import { LaneStatusReporter } from './status/laneStatusReporter.js';
import { ReportedDenials } from './status/reportedDenials.js';
import { TrustCopy } from './trust/trustCopy.js';
import { TrustPersistence } from './trust/trustPersistence.js';
import { TrustSync } from './trust/trustSync.js';
import { RideCodeValidator } from './validation/rideCodeValidator.js';
import { ScanDecider } from './validation/scanDecider.js';
import { laneStats, type LaneStats } from './laneStats.js';

export interface LaneControllerOptions {
  config: LaneConfig;
  clock?: Clock;
  ids?: IdGenerator;
  /** An already connected client, possibly shared by several lanes; it is neither ended nor given a last will here. */
  mqtt?: MqttClient;
  /** A hot store owned by the caller (e.g. shared by the lanes of one station in one process). */
  hotStore?: HotStore;
  /** HTTP to the gateway through this fetch, on the lane's own thread (default: a worker thread shared by the process's lanes). */
  fetch?: FetchFunction;
  logger?: LaneLogger;
}

interface Running {
  db: LaneDatabase;
  gateway: GatewayClient;
  mqtt: MqttClient;
  ownsMqtt: boolean;
  hotStore: HotStore;
  ownsHotStore: boolean;
  journal: DecisionJournal;
  outbox: OutboxStore;
  forwarder: OutboxForwarder;
  trustSync: TrustSync;
  router: MessageRouter;
  reporter: LaneStatusReporter;
  journalDays: JournalDayReporter;
  listener: (topic: string, payload: Buffer) => void;
  expiryTimer: NodeJS.Timeout;
  checkpointer: WalCheckpointer;
  toll: TollSite | undefined;
}

/**
 * One lane controller: a station's (or a bus's) gates, deciding offline and forwarding confirmed
 * passages (design sections 2-5). start() opens the journal, loads the trust copy, connects and
 * subscribes; close() undoes it in reverse order.
 */
export class LaneController {
  readonly config: LaneConfig;
  readonly trust = new TrustCopy();
  readonly counters = new LaneCounters();
  readonly devices = new DeviceRegistry();
  private readonly clock: Clock;
  private readonly ids: IdGenerator;
  private readonly logger: LaneLogger;
  /** When `counters` started (from the denials the gateway was not told of): a lane report names it so the gateway sees a restart. */
  private readonly countersSince: number;
  /** Whether `counters` took in the journal's unreported denials: once per controller, at its first start. */
  private unreportedDenialsCounted = false;
  private validator: RideCodeValidator;
  private running: Running | undefined;
  /** Kept until the very end of close(), so that decisions still in flight get their commands out. */
  private mqttClient: MqttClient | undefined;

  constructor(private readonly options: LaneControllerOptions) {
    this.config = options.config;
    this.clock = options.clock ?? systemClock;
    this.ids = options.ids ?? uuidv7;
    this.logger = options.logger ?? jsonLogger({ lane: options.config.siteId });
    this.countersSince = this.clock.now();
    this.validator = new RideCodeValidator(this.trust, this.config);
  }

  get started(): boolean {
    return this.running !== undefined;
  }

  async start(): Promise<void> {
    if (this.running) return;
    const { config, clock, logger } = this;
    const db = openLaneDatabase(config.journalFile);
    const exchange = this.options.fetch ? inThreadExchange(this.options.fetch) : offThreadExchange();
    const gateway = new GatewayClient({ gatewayUrl: config.gatewayUrl, timeoutMs: config.httpTimeoutMs, token: laneCredentialsOf(config).gatewayToken, exchange });
    const resources: Partial<Running> = { db, gateway };
    try {
      if (config.journalFile !== ':memory:') {
        db.pragma('wal_autocheckpoint = 0');
        resources.checkpointer = new WalCheckpointer(config.journalFile, config.walCheckpointIntervalMs, (error) => logger.warn('journal.checkpoint_failed', { error }));
        resources.checkpointer.start();
      }
      const ownsHotStore = !this.options.hotStore;
      const hotStore = this.options.hotStore ?? createHotStore(config, clock, logger);
      if (ownsHotStore) await hotStore.start();
      Object.assign(resources, { hotStore, ownsHotStore });
      // A toll lane's table has no scan handler, so its gate journal never holds a decision.
      const journal = new DecisionJournal(db, { laneId: config.siteId, stationId: config.stationId, mode: config.mode === 'toll' ? 'metro' : config.mode });
      const reportedDenials = new ReportedDenials(db);
      if (!this.unreportedDenialsCounted) {
        this.unreportedDenialsCounted = true;
        this.counters.addDenials(reportedDenials.unreported());
      }
      const outbox = new OutboxStore(db);
      const forwarder = new OutboxForwarder(outbox, gateway, {
        laneId: config.siteId,
        batchSize: config.outboxBatchSize,
        lingerMs: config.outboxLingerMs,
        retryMinMs: config.outboxRetryMinMs,
        retryMaxMs: config.outboxRetryMaxMs,
        clock,
        logger,
        route: config.mode === 'toll' ? 'toll-passages' : 'passages',
      });
      const trustSync = new TrustSync(this.trust, new TrustPersistence(db), gateway, {
        pollIntervalMs: config.trustPollIntervalMs,
        staleAfterS: config.trustStaleAfterS,
        clock,
        logger,
      });
      const decider = new ScanDecider(this.validator, hotStore, () => trustSync.isStale(), config);
      const context: LaneContext = {
        config,
        clock,
        ids: this.ids,
        logger,
        journal,
        decider,
        hotStore,
        devices: this.devices,
        counters: this.counters,
        publish: (topic, payload, publishOptions) => this.publish(topic, payload, publishOptions),
        onPassageRecorded: () => forwarder.wake(),
      };
      const toll = config.mode === 'toll' ? this.tollSite(context, db, () => trustSync.isStale(), () => forwarder.wake()) : undefined;
      const router = new MessageRouter(context, trustSync, toll ? createTollDispatchTable(toll) : createDispatchTable());
      const listener = (topic: string, payload: Buffer) => router.route(topic, payload);
      Object.assign(resources, { journal, outbox, forwarder, trustSync, router, listener, toll });
      // A persistent session delivers the events queued while the lane was down right after
      // CONNACK: the trust copy and the vehicles being tracked must be back before that.
      trustSync.loadPersisted();
      const restored = toll?.restore() ?? 0;
      const ownsMqtt = !this.options.mqtt;
      const mqtt = this.options.mqtt ?? (await connectLaneMqtt(config.mqttUrl, listener, this.mqttOptions()));
      if (!ownsMqtt) mqtt.on('message', listener);
      this.mqttClient = mqtt;
      Object.assign(resources, { mqtt, ownsMqtt });
      const reporter = new LaneStatusReporter(config.siteId, { laneStatus: (online) => this.laneStatus(online), laneReport: () => this.laneReport() }, context.publish, gateway, {
        intervalMs: config.statusIntervalMs,
        logger,
        onReported: (report) => {
          // The file may be closed by then (a report answered during shutdown): the next start counts from the previous mark.
          if (db.open) reportedDenials.markReported(report.ts);
        },
      });
      const journalDays = new JournalDayReporter(config.siteId, new JournalDaySummary(db, { laneId: config.siteId, stationId: config.stationId, mode: config.mode }), gateway, {
        intervalMs: config.journalReportIntervalMs,
        logger,
      });
      resources.journalDays = journalDays;
      const expiryTimer = toll ? setInterval(() => toll.tick(), toll.tickIntervalMs) : setInterval(() => this.expireUnconfirmed(), Math.min(1000, config.gateOpenForMs));
      this.running = { ...(resources as Running), reporter, journalDays, expiryTimer };
      // Trust first from the file, so that scans arriving right after subscribing are decided on it.
      const catchingUp = trustSync.start();
      await mqtt.subscribeAsync(
        { [topics.deviceEventsOfSite(config.siteId)]: { qos: 1 }, [topics.deviceStatusesOfSite(config.siteId)]: { qos: 1 }, [topics.trustDelta()]: { qos: 1 } },
      );
      await catchingUp;
      forwarder.start();
      reporter.start();
      journalDays.start();
      logger.info('lane.started', { site: config.siteId, station: config.stationId, mode: config.mode, trustVersion: this.trust.version, backlog: outbox.backlog(), restoredVehicles: restored });
    } catch (error) {
      this.running = undefined;
      await this.release(resources);
      this.mqttClient = undefined;
      throw error;
    }
  }

  /** Shutdown order: stop timers, stop taking messages, finish decisions in flight, say offline, then release. */
  async close(): Promise<void> {
    const running = this.running;
    if (!running) return;
    this.running = undefined;
    clearInterval(running.expiryTimer);
    running.reporter.close();
    running.mqtt.off('message', running.listener);
    await running.router.settle();
    if (!running.ownsMqtt && running.mqtt.connected) {
      // Only this lane's topics: the trust topic may serve other lanes on the shared client.
      await running.mqtt.unsubscribeAsync([topics.deviceEventsOfSite(this.config.siteId), topics.deviceStatusesOfSite(this.config.siteId)]).catch(() => {});
    }
    if (running.mqtt.connected) {
      await running.mqtt.publishAsync(topics.laneStatus(this.config.siteId), JSON.stringify(this.laneStatus(false, running)), { qos: 1, retain: true }).catch(() => {});
    }
    await this.release(running);
    this.mqttClient = undefined;
    this.logger.info('lane.closed', { site: this.config.siteId });
  }

  private async release(resources: Partial<Running>): Promise<void> {
    if (resources.mqtt && resources.ownsMqtt) await new Promise<void>((resolve) => resources.mqtt!.end(false, {}, () => resolve()));
    else if (resources.mqtt && resources.listener) resources.mqtt.off('message', resources.listener);
    await resources.forwarder?.close();
    await resources.trustSync?.close();
    await resources.journalDays?.close();
    if (resources.hotStore && resources.ownsHotStore) await resources.hotStore.close();
    await resources.checkpointer?.close();
    await resources.gateway?.close();
    resources.db?.close();
  }

  /** Decisions to open that no device confirmed within the gate's time and a margin: nobody is charged. */
  expireUnconfirmed(): number {
    const running = this.running;
    if (!running) return 0;
    const now = this.clock.now();
    const expired = running.journal.expireUnconfirmed(now - this.config.gateOpenForMs - this.config.confirmationMarginMs, now);
    this.counters.expired += expired;
    return expired;
  }

  /** The toll site of a toll lane (for tests and monitors); undefined for gates. */
  get toll(): TollSite | undefined {
    return this.running?.toll;
  }

  private tollSite(context: LaneContext, db: LaneDatabase, isTrustStale: () => boolean, onPassageRecorded: () => void): TollSite {
    const { config } = this;
    return new TollSite({
      config,
      clock: this.clock,
      ids: this.ids,
      logger: this.logger,
      journal: new TollJournal(db),
      trust: this.trust,
      devices: new TollDevices(config.tollLanes ?? [], this.devices, config.tollDeviceSilenceMs),
      hotStore: context.hotStore,
      counters: this.counters,
      isTrustStale,
      publish: context.publish,
      onPassageRecorded,
    });
  }

  /** Resolves once the outbox is empty (every confirmed passage accepted or rejected by the gateway). */
  async outboxDrained(): Promise<void> {
    await this.running?.forwarder.whenIdle();
  }

  /** Ask the gateway which journal days it wants and send those it lacks, now; resolves with the days sent. */
  async reportJournalDays(): Promise<string[]> {
    return (await this.running?.journalDays.report()) ?? [];
  }

  /** The trust copy is fetched at once (as at start and every poll); true when it is current. */
  async syncTrust(): Promise<boolean> {
    return (await this.running?.trustSync.catchUp()) ?? false;
  }

  stats(running = this.running): LaneStats {
    return laneStats({
      config: this.config,
      nowMs: this.clock.now(),
      counters: this.counters,
      trust: this.trust,
      trustSync: running?.trustSync,
      outbox: running?.outbox,
      forwarder: running?.forwarder,
      hotStore: running?.hotStore,
      cache: this.validator.cache,
      devices: this.devices,
    });
  }

  private laneStatus(online: boolean, running = this.running): LaneStatus {
    const stats = this.stats(running);
    return {
      v: PROTOCOL_VERSION,
      ts: this.clock.now(),
      site: this.config.siteId,
      online,
      trustVersion: stats.trustVersion,
      trustAgeMs: stats.trustAgeMs,
      outboxBacklog: stats.outboxBacklog,
      hotStoreDegraded: stats.hotStoreDegraded,
    };
  }

  private laneReport(): LaneReport {
    const stats = this.stats();
    return {
      laneId: this.config.siteId,
      stationId: this.config.stationId,
      mode: this.config.mode,
      ts: this.clock.now(),
      trustVersion: stats.trustVersion,
      trustAgeMs: stats.trustAgeMs,
      outboxBacklog: stats.outboxBacklog,
      journalSeq: stats.journalSeq,
      decisions: { opened: stats.decisions.opened, denied: stats.decisions.denied, passed: stats.decisions.passed, timedOut: stats.decisions.timedOut },
      invalidMessages: stats.invalidMessages,
      hotStoreDegraded: stats.hotStoreDegraded,
      activity: stats.activity,
      // A status on a topic with a malformed device id must not make the whole report invalid.
      devices: stats.devices.filter((device) => ID_PATTERN.test(device.deviceId)).slice(0, MAX_REPORTED_DEVICES).map((device) => ({
        deviceId: device.deviceId,
        ...(device.kind ? { kind: device.kind } : {}),
        ...(device.online === undefined ? {} : { online: device.online }),
        lastSeenAt: device.lastSeenAt,
        ...(device.lastFault ? { lastFault: device.lastFault } : {}),
      })),
      deniedByReason: stats.deniedByReason,
      countersSince: this.countersSince,
    };
  }

  private mqttOptions() {
    const credentials = laneCredentialsOf(this.config);
    const willStatus: LaneStatus = { v: PROTOCOL_VERSION, ts: this.clock.now(), site: this.config.siteId, online: false };
    return {
      clientId: this.config.mqttClientId,
      username: credentials.mqttUsername,
      password: credentials.mqttPassword,
      // A persistent session: QoS 1 device events wait at the broker while the lane restarts.
      clean: false,
      will: { topic: topics.laneStatus(this.config.siteId), payload: Buffer.from(JSON.stringify(willStatus)), qos: 1 as const, retain: true },
    };
  }

  private publish(topic: string, payload: object, options: { qos: 0 | 1; retain?: boolean }): void {
    const mqtt = this.mqttClient;
    if (!mqtt) return;
    mqtt.publish(topic, JSON.stringify(payload), options, (error) => {
      if (error) this.logger.warn('mqtt.publish_failed', { topic, error: error.message });
    });
  }
}
