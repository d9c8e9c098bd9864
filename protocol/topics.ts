/**
 * The MQTT topic tree (docs/protocol.md, "Topics"). One subtree per site and device;
 * events go up from devices, commands come down from the lane controller.
 *
 *   tp/1/{site}/{device}/evt/{scan|passage|heartbeat|fault}   device -> lane, QoS 1
 *   tp/1/{site}/{device}/evt/{obu|plate|loop|barrier}         toll device -> lane, QoS 1 (toll.ts)
 *   tp/1/{site}/{device}/cmd/gate                             lane -> device, QoS 1
 *   tp/1/{site}/{device}/cmd/{barrier|display}                lane -> toll device, QoS 1 (toll.ts)
 *   tp/1/{site}/{device}/cmd/ack                              lane -> device, QoS 1: a passage report is journaled
 *   tp/1/{site}/{device}/status                               device, retained, last will
 *   tp/1/{site}/_lane/status                                  lane, retained, last will
 *   tp/1/{site}/_lane/decision                                lane -> monitors, QoS 0
 *   tp/1/_trust/delta                                         gateway -> lanes, QoS 1
 */
export const TOPIC_ROOT = 'tp/1';
export const LANE_SEGMENT = '_lane';
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export type GateEventKind = 'scan' | 'passage' | 'heartbeat' | 'fault';
/** Events of toll plazas and gantries (docs/protocol.md, "Toll lanes and gantries"). */
export type TollEventKind = 'obu' | 'plate' | 'loop' | 'barrier';
export type DeviceEventKind = GateEventKind | TollEventKind;
export const DEVICE_EVENT_KINDS: readonly DeviceEventKind[] = ['scan', 'passage', 'heartbeat', 'fault', 'obu', 'plate', 'loop', 'barrier'];
export const TOLL_EVENT_KINDS: readonly TollEventKind[] = ['obu', 'plate', 'loop', 'barrier'];

export type DeviceCommandKind = 'gate' | 'barrier' | 'display' | 'ack';

export const topics = {
  deviceEvent: (site: string, device: string, kind: DeviceEventKind) => `${TOPIC_ROOT}/${site}/${device}/evt/${kind}`,
  deviceEventsOfSite: (site: string) => `${TOPIC_ROOT}/${site}/+/evt/+`,
  deviceStatus: (site: string, device: string) => `${TOPIC_ROOT}/${site}/${device}/status`,
  deviceStatusesOfSite: (site: string) => `${TOPIC_ROOT}/${site}/+/status`,
  gateCommand: (site: string, device: string) => `${TOPIC_ROOT}/${site}/${device}/cmd/gate`,
  deviceCommand: (site: string, device: string, kind: DeviceCommandKind) => `${TOPIC_ROOT}/${site}/${device}/cmd/${kind}`,
  barrierCommand: (site: string, device: string) => `${TOPIC_ROOT}/${site}/${device}/cmd/barrier`,
  displayCommand: (site: string, device: string) => `${TOPIC_ROOT}/${site}/${device}/cmd/display`,
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
