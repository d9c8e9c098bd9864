import type { Aedes, AuthenticateError, Client } from 'aedes';
import { mayPublish, maySubscribe, mqttPasswordOf, principalOf, sameSecret, type Principal } from '../protocol/mqttAccess.js';

/** What the embedded broker refused, for tests and the operator. */
export interface AccessCounters {
  refusedConnections: number;
  refusedPublishes: number;
  refusedSubscriptions: number;
}

const principals = new WeakMap<Client, Principal>();

/**
 * The embedded broker's side of docs/protocol.md, "Authentication and topic access": the same
 * derived passwords and topic rules (protocol/mqttAccess.ts) that the generated Mosquitto
 * password_file and acl_file hold.
 *
 * A refused SUBSCRIBE is negated (SUBACK 0x80) [MQTT-3.9.3]. A refused PUBLISH is dropped and
 * the client disconnected: aedes can refuse a publish only by failing it, and MQTT 3.1.1 has no
 * reason code to send back.
 */
export function enforceAccess(broker: Aedes, secret: string, counters: AccessCounters): void {
  broker.authenticate = (client, username, password, callback) => {
    const principal = username ? principalOf(username) : undefined;
    if (!principal || !password || !sameSecret(password.toString('utf8'), mqttPasswordOf(secret, username!))) {
      counters.refusedConnections++;
      const error = new Error('bad user name or password') as AuthenticateError;
      error.returnCode = 4;
      return callback(error, false);
    }
    principals.set(client, principal);
    callback(null, true);
  };
  broker.authorizePublish = (client, packet, callback) => {
    const principal = client ? principals.get(client) : undefined;
    if (principal && mayPublish(principal, packet.topic)) return callback(null);
    counters.refusedPublishes++;
    callback(new Error(`publish to ${packet.topic} not allowed`));
  };
  broker.authorizeSubscribe = (client, subscription, callback) => {
    const principal = client ? principals.get(client) : undefined;
    if (principal && maySubscribe(principal, subscription.topic)) return callback(null, subscription);
    counters.refusedSubscriptions++;
    callback(null, null);
  };
}
