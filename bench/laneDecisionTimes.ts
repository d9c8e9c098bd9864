import type { LiveStream } from './liveStream.js';

/**
 * The lanes' own time per decision (LaneDecision.latencyUs: from the scan's arrival at the lane's
 * handler to its command's publish), from the gateway's live stream. Set against the turnstiles'
 * round trips, it tells time spent deciding from time spent queueing and in transit.
 */
export class LaneDecisionTimes {
  readonly decideMs: number[] = [];
  recording = false;

  constructor(live: LiveStream) {
    live.on('decision', (data) => {
      if (this.recording) this.decideMs.push((data as { latencyUs: number }).latencyUs / 1000);
    });
  }
}
