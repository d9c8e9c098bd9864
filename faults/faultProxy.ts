import { createServer, connect, type Server, type Socket } from 'node:net';
import type { RandomSource } from '../simulator/random.js';
import { MqttFramer, PACKET_PUBACK, PACKET_PUBLISH, packetType } from './mqttFramer.js';

/** Faults of whole MQTT packets in one direction of a hop (only when the proxy frames MQTT). */
export interface PacketFaults {
  /** Share of PUBLISH packets sent twice (QoS 1 allows it; receivers deduplicate on msgId). */
  duplicatePublish?: number;
  /** Share of PUBLISH packets held back and sent after the next packet. */
  reorderPublish?: number;
  /** Share of PUBACK packets dropped; the connection is then cut, so the sender redelivers. */
  dropPuback?: number;
}

export interface HopFaults {
  /** Added to every chunk in both directions, order kept. */
  delayMs?: number;
  /** Client to server (device or lane to broker, lane to gateway, gateway to database). */
  toServer?: PacketFaults;
  /** Server to client. */
  toClient?: PacketFaults;
}

export interface ProxyCounters {
  connections: number;
  refused: number;
  cut: number;
  duplicated: number;
  reordered: number;
  droppedAcks: number;
  /** Bytes carried client to server and back: a scenario can wait for a request to be under way. */
  bytesToServer: number;
  bytesToClient: number;
}

interface Pair {
  client: Socket;
  server: Socket;
}

/**
 * A TCP proxy on one hop (device or lane to broker, lane to gateway, gateway to PostgreSQL, lane
 * to Redis), on loopback. It can delay bytes, cut every open connection, refuse new ones (reset
 * at accept, as a host whose service is down), and, on MQTT hops, duplicate, reorder or drop whole
 * packets. What it does not do: corrupt bytes, or reorder across connections.
 */
export class FaultProxy {
  readonly counters: ProxyCounters = { connections: 0, refused: 0, cut: 0, duplicated: 0, reordered: 0, droppedAcks: 0, bytesToServer: 0, bytesToClient: 0 };
  private server: Server | undefined;
  private readonly pairs = new Set<Pair>();
  private refusing = false;
  private faults: HopFaults = {};
  port = 0;

  constructor(
    readonly name: string,
    private readonly target: { host?: string; port: number },
    private readonly options: { mqtt?: boolean; random?: RandomSource } = {},
  ) {}

  /** The proxy's address, in the scheme of the target's URL. */
  urlFor(scheme: string, path = ''): string {
    return `${scheme}://127.0.0.1:${this.port}${path}`;
  }

  async start(port = 0): Promise<this> {
    const server = createServer({ noDelay: true }, (client) => this.accept(client));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    this.port = typeof address === 'object' && address ? address.port : port;
    return this;
  }

  setFaults(faults: HopFaults): void {
    this.faults = faults;
  }

  /** New connections are reset at once; open ones carry on (see cutAll). */
  refuse(): void {
    this.refusing = true;
  }

  heal(): void {
    this.refusing = false;
    this.faults = {};
  }

  /** Cut every open connection, as a pulled cable or a crashed middlebox does. */
  cutAll(): number {
    const count = this.pairs.size;
    for (const pair of [...this.pairs]) this.cut(pair);
    return count;
  }

  get openConnections(): number {
    return this.pairs.size;
  }

  async close(): Promise<void> {
    this.cutAll();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise((resolve) => server.close(resolve));
  }

  private accept(client: Socket): void {
    if (this.refusing) {
      this.counters.refused++;
      client.on('error', () => {});
      client.resetAndDestroy();
      return;
    }
    this.counters.connections++;
    const server = connect({ host: this.target.host ?? '127.0.0.1', port: this.target.port, noDelay: true });
    const pair: Pair = { client, server };
    this.pairs.add(pair);
    client.setNoDelay(true);
    const end = () => {
      if (!this.pairs.delete(pair)) return;
      client.destroy();
      server.destroy();
    };
    client.on('error', end).on('close', end);
    server.on('error', end).on('close', end);
    this.forward(pair, client, server, 'toServer');
    this.forward(pair, server, client, 'toClient');
  }

  private cut(pair: Pair): void {
    if (!this.pairs.delete(pair)) return;
    this.counters.cut++;
    pair.client.resetAndDestroy();
    pair.server.resetAndDestroy();
  }

  /** One direction: frame MQTT if asked, apply the packet faults, then delay, keeping order. */
  private forward(pair: Pair, from: Socket, to: Socket, direction: 'toServer' | 'toClient'): void {
    const framer = this.options.mqtt ? new MqttFramer() : undefined;
    let held: Buffer | undefined;
    let releaseHeld: NodeJS.Timeout | undefined;
    let nextAt = 0;
    const send = (bytes: Buffer) => {
      const delayMs = this.faults.delayMs ?? 0;
      if (delayMs <= 0 && nextAt <= Date.now()) {
        if (!to.destroyed) to.write(bytes);
        return;
      }
      nextAt = Math.max(nextAt, Date.now() + delayMs);
      setTimeout(() => {
        if (!to.destroyed) to.write(bytes);
      }, nextAt - Date.now());
    };
    const flushHeld = () => {
      if (releaseHeld) clearTimeout(releaseHeld);
      releaseHeld = undefined;
      if (held) send(held);
      held = undefined;
    };
    from.on('data', (chunk: Buffer) => {
      if (direction === 'toServer') this.counters.bytesToServer += chunk.length;
      else this.counters.bytesToClient += chunk.length;
      if (!framer) return send(chunk);
      for (const packet of framer.push(chunk)) {
        const faults = this.faults[direction] ?? {};
        const random = this.options.random ?? Math.random;
        const type = packetType(packet);
        if (type === PACKET_PUBACK && faults.dropPuback && random() < faults.dropPuback) {
          this.counters.droppedAcks++;
          // Without a new connection the sender would wait for this ack for ever ([MQTT-4.4.0-1]: resend on reconnect).
          setTimeout(() => this.cut(pair), 20);
          continue;
        }
        if (type === PACKET_PUBLISH && !held && faults.reorderPublish && random() < faults.reorderPublish) {
          this.counters.reordered++;
          held = Buffer.from(packet);
          releaseHeld = setTimeout(flushHeld, 50);
          continue;
        }
        send(packet);
        if (type === PACKET_PUBLISH && faults.duplicatePublish && random() < faults.duplicatePublish) {
          this.counters.duplicated++;
          send(packet);
        }
        flushHeld();
      }
    });
    from.on('close', () => {
      if (releaseHeld) clearTimeout(releaseHeld);
    });
  }
}
