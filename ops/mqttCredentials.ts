import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEMO_SITES, DEMO_TOLL_SITES } from '../demo/network.js';
import { ID_PATTERN } from '../protocol/topics.js';
import { aclFileOf, passwordFileOf, principalsOf } from './mosquittoAccess.js';

/**
 * `npm run mqtt:credentials -- --out DIR [--monitor NAME]...`: writes Mosquitto's password_file
 * and acl_file for the network (demo/network.ts) from the site secret in TURNPIKE_MQTT_SECRET
 * (docs/operations.md, "Credentials").
 */
const MIN_SECRET_LENGTH = 16;

function fail(message: string): never {
  console.error(`mqtt:credentials: ${message}`);
  process.exit(1);
}

let values: { out?: string; monitor?: string[] };
try {
  ({ values } = parseArgs({ options: { out: { type: 'string' }, monitor: { type: 'string', multiple: true } }, strict: true }));
} catch (error) {
  fail(`${(error as Error).message} (usage: npm run mqtt:credentials -- --out DIR [--monitor NAME]...)`);
}
const secret = process.env.TURNPIKE_MQTT_SECRET ?? '';
if (secret.length < MIN_SECRET_LENGTH) fail(`TURNPIKE_MQTT_SECRET must be set to at least ${MIN_SECRET_LENGTH} characters (try: openssl rand -base64 32)`);
if (!values.out) fail('--out DIR is required (the folder to write password_file and acl_file to)');
const monitors = values.monitor ?? [];
const badMonitor = monitors.find((name) => !ID_PATTERN.test(name));
if (badMonitor !== undefined) fail(`monitor name ${JSON.stringify(badMonitor)} must match ${ID_PATTERN}`);

const principals = principalsOf({ sites: DEMO_SITES, tollSites: DEMO_TOLL_SITES, monitors });
try {
  mkdirSync(values.out, { recursive: true });
  // The password file holds hashes only, yet it is as private as the secret's other outputs.
  writeFileSync(join(values.out, 'password_file'), passwordFileOf(secret, principals), { mode: 0o600 });
  writeFileSync(join(values.out, 'acl_file'), aclFileOf(principals), { mode: 0o644 });
} catch (error) {
  fail(`cannot write to ${values.out}: ${(error as Error).message}`);
}
console.log(`mqtt:credentials: ${principals.length} logins written to ${join(values.out, 'password_file')} and ${join(values.out, 'acl_file')}`);
