import type { LaneReport } from '../../protocol/laneApi.js';
import type { LaneStatus } from '../../protocol/messages.js';
import { topics } from '../../protocol/topics.js';
import type { GatewayClient } from '../gatewayClient.js';
import type { LaneLogger } from '../log.js';

export interface StatusSource {
  laneStatus(online: boolean): LaneStatus;
  laneReport(): LaneReport;
}

/**
 * Every statusIntervalMs: the retained LaneStatus on MQTT (its last will says offline) and a
 * LaneReport to the gateway. A failed report is logged once per outage and otherwise ignored;
 * an accepted one is passed to onReported.
 */
export class LaneStatusReporter {
  private timer: NodeJS.Timeout | undefined;
  private reportFailing = false;

  constructor(
    private readonly siteId: string,
    private readonly source: StatusSource,
    private readonly publish: (topic: string, payload: object, options: { qos: 0 | 1; retain?: boolean }) => void,
    private readonly gateway: GatewayClient,
    private readonly options: { intervalMs: number; logger: LaneLogger; onReported?: (report: LaneReport) => void },
  ) {}

  start(): void {
    this.tick();
    this.timer = setInterval(() => this.tick(), this.options.intervalMs);
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  publishStatus(online: boolean): void {
    this.publish(topics.laneStatus(this.siteId), this.source.laneStatus(online), { qos: 1, retain: true });
  }

  private tick(): void {
    this.publishStatus(true);
    const report = this.source.laneReport();
    this.gateway.postStatus(report).then(
      () => {
        this.reportFailing = false;
        this.options.onReported?.(report);
      },
      (error: unknown) => {
        if (!this.reportFailing) this.options.logger.warn('status.report_failed', { error: String(error) });
        this.reportFailing = true;
      },
    );
  }
}
