import assert from 'node:assert/strict';
import type { MqttClient } from 'mqtt';
import { PROTOCOL_VERSION } from '../../protocol/messages.js';
import { credentialsOf } from '../../protocol/mqttAccess.js';
import { topics } from '../../protocol/topics.js';
import { connectMqtt, endMqtt } from '../../runtime/mqtt.js';
import { eventually, type TestNetwork } from '../support/testNetwork.js';

const SECRET = 'test-site-secret-0123456789';

/**
 * What any authenticating broker of ours must refuse and allow (docs/protocol.md,
 * "Authentication and topic access"): run against aedes with its hooks and against a private
 * Mosquitto with the generated password_file and acl_file.
 */
export function brokerAccessContract(name: string, makeNetwork: (secret: string) => TestNetwork, refusedPublishes?: (net: TestNetwork) => number): void {
  describe(`topic access on ${name}`, function () {
    this.timeout(60_000);
    let net: TestNetwork;
    const clients: MqttClient[] = [];

    before(async () => {
      net = await makeNetwork(SECRET).start();
    });
    afterEach(async () => {
      for (const client of clients.splice(0)) await endMqtt(client);
    });
    after(async () => {
      await net?.close();
    });

    const login = async (credentials: { username?: string; password?: string }) => {
      const client = await connectMqtt(net.network.mqttUrl, { clientId: `sec-${Date.now()}-${clients.length}`, reconnectPeriod: 0, ...credentials });
      clients.push(client);
      return client;
    };

    it('when a client gives a wrong password or none, then the broker refuses it', async () => {
      const site = net.metro(0);
      const { username } = net.deviceCredentials(site.id, site.deviceIds[0]);
      await assert.rejects(login({ username, password: 'not-the-password' }));
      await assert.rejects(login({}));
      await assert.rejects(login(credentialsOf('another-secret-0123456789', { role: 'device', site: site.id, device: site.deviceIds[0] })));
    });

    it("when a device publishes another device's scan, then the lane never sees it", async () => {
      const site = net.metro(0);
      const lane = net.lane(site);
      const before = lane.stats();
      const refusedBefore = refusedPublishes?.(net);
      const rider = await net.rider();
      const intruder = await login(net.deviceCredentials(site.id, site.deviceIds[0]));
      const scan = { v: PROTOCOL_VERSION, msgId: `spoof-${Date.now()}`, ts: Date.now(), direction: 'entry', code: rider.phone.code() };
      intruder.publish(topics.deviceEvent(site.id, site.deviceIds[1], 'scan'), JSON.stringify(scan), { qos: 0 });
      if (refusedPublishes) await eventually(() => refusedPublishes(net) > refusedBefore!, 5000, 'the broker to refuse the publish');
      else await new Promise((resolve) => setTimeout(resolve, 300));
      const after = lane.stats();
      assert.deepEqual([after.decisions.opened, after.decisions.denied, after.invalidMessages], [before.decisions.opened, before.decisions.denied, before.invalidMessages]);
      // The code was never used: the real gate still opens for it.
      const answer = await net.gate(site, 1).scan({ code: rider.phone.code() }, 'entry');
      assert.equal(answer.command.action, 'open');
      await net.gate(site, 1).walkThrough();
    });

    it("when a device subscribes to # or to another device's commands, then it receives nothing", async () => {
      const site = net.metro(1);
      const spy = await login(net.deviceCredentials(site.id, site.deviceIds[3]));
      const received: string[] = [];
      spy.on('message', (topic) => received.push(topic));
      await spy.subscribeAsync('#', { qos: 1 }).catch(() => {});
      await spy.subscribeAsync(topics.gateCommand(site.id, site.deviceIds[0]), { qos: 1 }).catch(() => {});
      const rider = await net.rider();
      const answer = await net.gate(site, 0).scan({ code: rider.phone.code() }, 'entry');
      assert.equal(answer.command.action, 'open');
      await net.gate(site, 0).walkThrough();
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.deepEqual(received, []);
    });

    it('when auth is on, then scan, open, passage and charge still work', async () => {
      const rider = await net.rider(5000);
      const [from, to] = [net.metro(0), net.metro(1)];
      const entry = await net.gate(from, 2).scan({ code: rider.phone.code() }, 'entry');
      assert.equal(entry.command.action, 'open');
      await net.gate(from, 2).walkThrough();
      const exit = await net.gate(to, 2).scan({ code: rider.phone.code() }, 'exit');
      assert.equal(exit.command.action, 'open');
      await net.gate(to, 2).walkThrough();
      const charges = await eventually(async () => {
        const { charges } = await net.getJson(`/api/riders/${rider.riderId}/charges`);
        return charges.length > 0 ? charges : undefined;
      }, 10_000, 'the journey to be charged');
      assert.equal(charges.length, 1);
    });
  });
}
