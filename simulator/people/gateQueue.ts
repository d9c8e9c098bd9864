/**
 * People line up at a gate: one scan-and-pass at a time per device, in arrival order.
 */
export class GateQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(deviceId: string, action: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(deviceId) ?? Promise.resolve();
    const turn = previous.then(action, action);
    const tail = turn.catch(() => {});
    this.tails.set(deviceId, tail);
    void tail.then(() => {
      if (this.tails.get(deviceId) === tail) this.tails.delete(deviceId);
    });
    return turn;
  }
}
