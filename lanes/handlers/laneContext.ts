import type { Clock } from '../../protocol/clock.js';
import type { IdGenerator } from '../../protocol/ids.js';
import type { LaneConfig } from '../config.js';
import type { HotStore } from '../hotstate/hotStore.js';
import type { DecisionJournal } from '../journal/journal.js';
import type { LaneLogger } from '../log.js';
import type { ScanDecider } from '../validation/scanDecider.js';
import type { DeviceRegistry } from './deviceRegistry.js';
import type { LaneCounters } from './laneCounters.js';

/** What a message handler needs; built once by LaneController. */
export interface LaneContext {
  config: LaneConfig;
  clock: Clock;
  ids: IdGenerator;
  logger: LaneLogger;
  journal: DecisionJournal;
  decider: ScanDecider;
  hotStore: HotStore;
  devices: DeviceRegistry;
  counters: LaneCounters;
  /** Publish on MQTT without waiting for the broker's acknowledgement. */
  publish(topic: string, payload: object, options: { qos: 0 | 1; retain?: boolean }): void;
  /** A passage was appended to the outbox. */
  onPassageRecorded(): void;
}

/** One message kind's handler: the payload is already schema-checked. */
export interface DeviceEventHandler<T> {
  handle(context: LaneContext, deviceId: string, event: T, receivedAtNs: bigint): void | Promise<void>;
}
