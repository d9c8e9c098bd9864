import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MosquittoBroker } from '../../faults/mosquittoBroker.js';
import { aclFileOf, passwordFileOf, principalsOf } from '../../ops/mosquittoAccess.js';
import { temporaryDir } from '../support/environment.js';
import { TestNetwork } from '../support/testNetwork.js';
import { brokerAccessContract } from './brokerAccessSuite.js';

/** A private Mosquitto that requires the password_file and acl_file npm run mqtt:credentials writes. */
describe('a private authenticating Mosquitto', () => {
  const dir = temporaryDir('turnpike-mosquitto-auth-');
  const broker = new MosquittoBroker(dir.path, { access: { passwordFile: join(dir.path, 'password_file'), aclFile: join(dir.path, 'acl_file') } });
  after(async () => {
    await broker.close();
    dir.remove();
  });

  brokerAccessContract('Mosquitto with generated files', (secret) =>
    new TestNetwork({
      metroStations: 2,
      buses: 0,
      mqttSecret: secret,
      lane: { gateOpenForMs: 1000 },
      broker: async (net) => {
        const principals = principalsOf({ sites: net.sites, tollSites: net.tollSites });
        writeFileSync(join(dir.path, 'password_file'), passwordFileOf(secret, principals));
        writeFileSync(join(dir.path, 'acl_file'), aclFileOf(principals));
        // Started as root, Mosquitto drops to its own user, which must still read the files.
        chmodSync(dir.path, 0o755);
        await broker.start();
        return broker.url;
      },
    }),
  );
});
