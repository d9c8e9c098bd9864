import { TestNetwork } from '../support/testNetwork.js';
import { brokerAccessContract } from './brokerAccessSuite.js';

brokerAccessContract(
  'the embedded aedes broker',
  (secret) => new TestNetwork({ metroStations: 2, buses: 0, broker: 'embedded', mqttSecret: secret, lane: { gateOpenForMs: 1000 } }),
  (net) => net.network.broker!.refused.refusedPublishes,
);
