/** Counters a lane reports in its status and LaneReport. */
export class LaneCounters {
  opened = 0;
  denied = 0;
  passed = 0;
  timedOut = 0;
  expired = 0;
  invalidMessages = 0;
  duplicateScans = 0;
  duplicatePassages = 0;
  unmatchedPassages = 0;
  faults = 0;
  handlerErrors = 0;
  readonly deniedByReason: Record<string, number> = {};

  countDecision(action: 'open' | 'deny', reason?: string): void {
    if (action === 'open') {
      this.opened++;
      return;
    }
    this.denied++;
    if (reason) this.deniedByReason[reason] = (this.deniedByReason[reason] ?? 0) + 1;
  }
}
