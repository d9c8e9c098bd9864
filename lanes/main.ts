import { loadLaneConfig } from './config.js';
import { LaneController } from './laneController.js';
import { jsonLogger } from './log.js';

/**
 * Process entry of one lane controller: configuration from the environment (docs/configuration.md),
 * start, and an orderly close on SIGINT or SIGTERM. A SIGKILL loses nothing confirmed: the journal
 * and outbox are committed before anything is acknowledged.
 */
const config = loadLaneConfig(process.env);
const logger = jsonLogger({ lane: config.siteId });
const lane = new LaneController({ config, logger });

let closing = false;
async function shutdown(signal: string): Promise<void> {
  if (closing) return;
  closing = true;
  logger.info('lane.stopping', { signal });
  try {
    await lane.close();
    process.exitCode = 0;
  } catch (error) {
    logger.error('lane.close_failed', { error: String(error) });
    process.exitCode = 1;
  }
}

process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

try {
  await lane.start();
  // Tests and supervisors wait for this line on stdout.
  process.stdout.write(`${JSON.stringify({ event: 'lane.ready', site: config.siteId })}\n`);
} catch (error) {
  logger.error('lane.start_failed', { error: String(error) });
  await lane.close().catch(() => {});
  process.exitCode = 1;
}
