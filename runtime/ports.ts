import { connect, createServer, type Server } from 'node:net';
import { describePortHolder } from './portHolder.js';

/** Raised when a port the embedded default wants is taken: says what, where, and how to move it. */
export class PortInUseError extends Error {
  readonly code = 'PORT_IN_USE';
  constructor(readonly what: string, readonly port: number, readonly envVar: string, options?: ErrorOptions, readonly holder = describePortHolder(port)) {
    super(`${what} cannot listen on 127.0.0.1:${port}: the port is already in use by ${holder ?? 'another process'}. Stop it, or set ${envVar} to another port.`, options);
    this.name = 'PortInUseError';
  }
}

/** Listen on 127.0.0.1:port (0 for any free port), turning EADDRINUSE into a PortInUseError. */
export function listenOn(server: Server | import('node:http').Server, port: number, what: string, envVar: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(what, port, envVar, { cause: error }) : error);
    };
    const onListening = () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, '127.0.0.1');
  });
}

export async function isPortFree(port: number): Promise<boolean> {
  const probe = createServer();
  try {
    await listenOn(probe, port, 'probe', 'none');
    return true;
  } catch {
    return false;
  } finally {
    if (probe.listening) await new Promise((resolve) => probe.close(resolve));
  }
}

/** A port free on 127.0.0.1 right now (for a child process to listen on). */
export async function anyFreePort(): Promise<number> {
  const probe = createServer();
  const port = await listenOn(probe, 0, 'probe', 'none');
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Whether something accepts connections on 127.0.0.1:port (a child process has started listening). */
export function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
