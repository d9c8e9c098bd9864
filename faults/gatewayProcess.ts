import { NodeProcess } from './nodeProcess.js';

/**
 * gateway/main.ts as its own process (configured by TURNPIKE_* and DATABASE_URL, see
 * docs/configuration.md), for a run that kills the gateway itself (FaultRig with gatewayAsProcess,
 * the gatewayKill scenario). The other scenarios keep the gateway in the test process and break
 * the hops around it instead.
 */
export function gatewayProcess(env: Record<string, string>): NodeProcess {
  return new NodeProcess('gateway', 'gateway/main.ts', env, 'gateway listening on');
}
