import { createServer, type Server, type Socket } from 'node:net';
import { Aedes } from 'aedes';
import { enforceAccess, type AccessCounters } from './brokerAccess.js';
import { listenOn } from './ports.js';

/**
 * The in-process MQTT broker of the embedded default (aedes on loopback TCP). Sockets are
 * TCP_NODELAY: with Nagle's algorithm against delayed ACKs a QoS 1 round trip takes ~88 ms
 * instead of ~0.2 ms on loopback.
 *
 * Given the site secret it authenticates every client and enforces the topic rules
 * (runtime/brokerAccess.ts); without one it is open, which only unit tests of a single
 * component use.
 */
export class EmbeddedBroker {
  private broker: Aedes | undefined;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;
  readonly refused: AccessCounters = { refusedConnections: 0, refusedPublishes: 0, refusedSubscriptions: 0 };

  constructor(private readonly requestedPort: number, private readonly options: { secret?: string } = {}) {}

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.broker = await Aedes.createBroker();
    const broker = this.broker;
    if (this.options.secret) enforceAccess(broker, this.options.secret, this.refused);
    this.server = createServer({ noDelay: true }, (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      broker.handle(socket);
    });
    this.port = await listenOn(this.server, this.requestedPort, 'The embedded MQTT broker', 'TURNPIKE_BROKER_PORT');
    return this;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server) {
      for (const socket of this.sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    const broker = this.broker;
    if (broker) await new Promise<void>((resolve) => broker.close(() => resolve()));
    this.server = undefined;
    this.broker = undefined;
  }
}
