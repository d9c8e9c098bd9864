import { laneApiTokenOf, mqttPasswordOf, usernameOf } from '../protocol/mqttAccess.js';
import type { LaneConfig } from './config.js';

export interface LaneCredentials {
  mqttUsername?: string;
  mqttPassword?: string;
  gatewayToken?: string;
}

/**
 * The lane's MQTT login and lane API token: as configured, else derived from the site secret
 * (protocol/mqttAccess.ts). Derived here, not in the config, so a configuration copied for
 * another site id derives that site's credentials.
 */
export function laneCredentialsOf(config: LaneConfig): LaneCredentials {
  const { siteId, mqttSecret } = config;
  const mqttUsername = config.mqttUsername ?? (mqttSecret || config.mqttPassword ? usernameOf({ role: 'lane', site: siteId }) : undefined);
  return {
    mqttUsername,
    mqttPassword: config.mqttPassword ?? (mqttSecret && mqttUsername ? mqttPasswordOf(mqttSecret, mqttUsername) : undefined),
    gatewayToken: config.gatewayToken ?? (mqttSecret ? laneApiTokenOf(mqttSecret, siteId) : undefined),
  };
}
