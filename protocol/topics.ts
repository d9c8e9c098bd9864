/**
 * The MQTT topic tree (docs/protocol.md, "Topics"). One subtree per site and device;
 * events go up from devices, commands come down from the lane controller.
 *
 *   tp/1/{site}/{device}/evt/{scan|passage|heartbeat|fault}   device -> lane, QoS 1
 *   tp/1/{site}/{device}/cmd/gate                             lane -> device, QoS 1
 *   tp/1/{site}/{device}/status                               device, retained, last will
 *   tp/1/{site}/_lane/status                                  lane, retained, last will
 *   tp/1/{site}/_lane/decision                                lane -> monitors, QoS 0
 *   tp/1/_trust/delta                                         gateway -> lanes, QoS 1
 */
export const TOPIC_ROOT = 'tp/1';
export const LANE_SEGMENT = '_lane';
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export type DeviceEventKind = 'scan' | 'passage' | 'heartbeat' | 'fault';
export const DEVICE_EVENT_KINDS: readonly DeviceEventKind[] = ['scan', 'passage', 'heartbeat', 'fault'];

export const topics = {
  deviceEvent: (site: string, device: string, kind: DeviceEventKind) => `${TOPIC_ROOT}/${site}/${device}/evt/${kind}`,
  deviceEventsOfSite: (site: string) => `${TOPIC_ROOT}/${site}/+/evt/+`,
  deviceStatus: (site: string, device: string) => `${TOPIC_ROOT}/${site}/${device}/status`,
  deviceStatusesOfSite: (site: string) => `${TOPIC_ROOT}/${site}/+/status`,
  gateCommand: (site: string, device: string) => `${TOPIC_ROOT}/${site}/${device}/cmd/gate`,
  laneStatus: (site: string) => `${TOPIC_ROOT}/${site}/${LANE_SEGMENT}/status`,
  laneDecision: (site: string) => `${TOPIC_ROOT}/${site}/${LANE_SEGMENT}/decision`,
  allLaneDecisions: () => `${TOPIC_ROOT}/+/${LANE_SEGMENT}/decision`,
  allLaneStatuses: () => `${TOPIC_ROOT}/+/${LANE_SEGMENT}/status`,
  trustDelta: () => `${TOPIC_ROOT}/_trust/delta`,
};

export interface ParsedDeviceTopic {
  site: string;
  device: string;
  kind: string;
}

/** Splits tp/1/{site}/{device}/evt/{kind}; undefined for anything else. */
export function parseDeviceEventTopic(topic: string): ParsedDeviceTopic | undefined {
  const parts = topic.split('/');
  if (parts.length !== 6 || `${parts[0]}/${parts[1]}` !== TOPIC_ROOT || parts[4] !== 'evt') return undefined;
  const [, , site, device, , kind] = parts;
  if (!ID_PATTERN.test(site) || !ID_PATTERN.test(device)) return undefined;
  return { site, device, kind };
}
