import { loadGatewayConfig } from './config.js';
import { Gateway } from './gateway.js';

/** Process entry: `tsx gateway/main.ts`. Configuration from the environment (gateway/config.ts). */
async function main(): Promise<void> {
  const config = loadGatewayConfig();
  const gateway = await new Gateway({ config }).start();
  console.log(`gateway listening on ${gateway.url}`);
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`gateway: ${signal}, closing`);
    gateway.close().then(
      () => process.exit(0),
      (error) => {
        console.error('gateway: error while closing', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
