import type { Clock } from '../../protocol/clock.js';

export type CommandVerdict<T> = { accepted: true; command: T } | { accepted: false; reason: 'malformed' | 'expired' | 'duplicate'; command?: T };

interface Schema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false };
}

/**
 * How a toll device takes a command (docs/protocol.md, "Toll lanes and gantries"): parse it,
 * ignore it after its expiresAt by the device's own clock (a stale command delivered after a
 * reconnect must not lift a barrier), and act once per msgId (QoS 1 redelivers).
 */
export class CommandReceiver<T extends { msgId: string; expiresAt: number }> {
  private readonly seen = new Set<string>();

  constructor(private readonly schema: Schema<T>, private readonly clock: Clock) {}

  receive(payload: Buffer): CommandVerdict<T> {
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      return { accepted: false, reason: 'malformed' };
    }
    const parsed = this.schema.safeParse(json);
    if (!parsed.success) return { accepted: false, reason: 'malformed' };
    const command = parsed.data;
    if (this.seen.has(command.msgId)) return { accepted: false, reason: 'duplicate', command };
    this.seen.add(command.msgId);
    if (this.seen.size > 10_000) this.seen.delete(this.seen.values().next().value!);
    if (command.expiresAt < this.clock.now()) return { accepted: false, reason: 'expired', command };
    return { accepted: true, command };
  }
}
