import { createHmac, timingSafeEqual } from 'node:crypto';
import { ID_PATTERN, LANE_SEGMENT, TOPIC_ROOT, topics } from './topics.js';

/**
 * Who may connect to the broker and which topics each may use (docs/protocol.md,
 * "Authentication and topic access"). One site secret derives every password, so a deployment
 * keeps the secret plus a generated password file; the embedded broker checks the same rules
 * in its hooks (runtime/brokerAccess.ts) that the Mosquitto acl_file lists (ops/mqttCredentials.ts).
 *
 * Usernames carry the principal: `device.{site}.{device}`, `lane.{site}`, `gateway`,
 * `monitor.{name}`. Ids never contain dots (ID_PATTERN), so the split is unambiguous.
 */
export type Principal =
  | { role: 'device'; site: string; device: string }
  | { role: 'lane'; site: string }
  | { role: 'gateway' }
  | { role: 'monitor'; name: string };

export interface MqttCredentials {
  username: string;
  password: string;
}

export interface TopicRules {
  /** Filters the principal may subscribe to (and so receive). */
  read: string[];
  /** Filters of the topics the principal may publish to. */
  write: string[];
}

export const GATEWAY_USERNAME = 'gateway';

export function usernameOf(principal: Principal): string {
  switch (principal.role) {
    case 'device':
      return `device.${principal.site}.${principal.device}`;
    case 'lane':
      return `lane.${principal.site}`;
    case 'gateway':
      return GATEWAY_USERNAME;
    case 'monitor':
      return `monitor.${principal.name}`;
  }
}

/** The principal a username names; undefined for anything that is not one of ours. */
export function principalOf(username: string): Principal | undefined {
  const parts = username.split('.');
  if (!parts.every((part) => ID_PATTERN.test(part))) return undefined;
  if (parts[0] === 'device' && parts.length === 3) return { role: 'device', site: parts[1], device: parts[2] };
  if (parts[0] === 'lane' && parts.length === 2) return { role: 'lane', site: parts[1] };
  if (parts[0] === GATEWAY_USERNAME && parts.length === 1) return { role: 'gateway' };
  if (parts[0] === 'monitor' && parts.length === 2) return { role: 'monitor', name: parts[1] };
  return undefined;
}

function hmac(secret: string, message: string): string {
  return createHmac('sha256', secret).update(message).digest('base64url');
}

/** The MQTT password of a username: HMAC-SHA256(secret, username), base64url. */
export function mqttPasswordOf(secret: string, username: string): string {
  return hmac(secret, username);
}

export function credentialsOf(secret: string, principal: Principal): MqttCredentials {
  const username = usernameOf(principal);
  return { username, password: mqttPasswordOf(secret, username) };
}

/**
 * The bearer token a lane sends to the gateway's lane API: `{siteId}.` + HMAC-SHA256(secret,
 * `lane:{siteId}`), base64url. The site id in front tells the gateway which lane claims to call.
 */
export function laneApiTokenOf(secret: string, siteId: string): string {
  return `${siteId}.${hmac(secret, `lane:${siteId}`)}`;
}

/** The lane a lane API token authenticates, or undefined. */
export function laneOfApiToken(secret: string, token: string): string | undefined {
  const siteId = token.slice(0, token.indexOf('.'));
  if (!ID_PATTERN.test(siteId)) return undefined;
  return sameSecret(token, laneApiTokenOf(secret, siteId)) ? siteId : undefined;
}

export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function topicRulesOf(principal: Principal): TopicRules {
  switch (principal.role) {
    case 'device': {
      const { site, device } = principal;
      return { read: [`${TOPIC_ROOT}/${site}/${device}/cmd/+`], write: [`${TOPIC_ROOT}/${site}/${device}/evt/+`, topics.deviceStatus(site, device)] };
    }
    case 'lane': {
      const { site } = principal;
      return {
        read: [topics.deviceEventsOfSite(site), topics.deviceStatusesOfSite(site), topics.trustDelta()],
        write: [`${TOPIC_ROOT}/${site}/+/cmd/+`, `${TOPIC_ROOT}/${site}/${LANE_SEGMENT}/#`],
      };
    }
    case 'gateway':
      return { read: [`${TOPIC_ROOT}/+/${LANE_SEGMENT}/#`], write: [topics.trustDelta()] };
    case 'monitor':
      // Watches lane decisions and statuses, as the live page does; publishes nothing.
      return { read: [`${TOPIC_ROOT}/+/${LANE_SEGMENT}/#`], write: [] };
  }
}

/**
 * Whether every topic `filter` can match is also matched by `rule` (both MQTT filters):
 * `+` in the rule covers one level (a `+` included), `#` covers the rest, a literal only itself.
 * For a concrete topic this is plain topic matching [MQTT-4.7.1].
 */
export function filterCovers(rule: string, filter: string): boolean {
  const ruleLevels = rule.split('/');
  const levels = filter.split('/');
  for (let index = 0; index < ruleLevels.length; index++) {
    const ruleLevel = ruleLevels[index];
    if (ruleLevel === '#') return !levels.slice(0, index).some((level) => level.startsWith('$'));
    const level = levels[index];
    if (level === undefined || level === '#') return false;
    if (ruleLevel === '+') continue;
    if (level !== ruleLevel) return false;
  }
  return levels.length === ruleLevels.length;
}

export function mayPublish(principal: Principal, topic: string): boolean {
  if (topic.includes('+') || topic.includes('#')) return false;
  return topicRulesOf(principal).write.some((rule) => filterCovers(rule, topic));
}

export function maySubscribe(principal: Principal, filter: string): boolean {
  return topicRulesOf(principal).read.some((rule) => filterCovers(rule, filter));
}
