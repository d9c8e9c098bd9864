/**
 * Which services a fault run uses. Unset (the default): the gateway on SQLite, lanes with their
 * in-process hot state. DATABASE_URL and REDIS_URL move the gateway to PostgreSQL and the lanes'
 * hot state to Redis, as the normal test suite does. The broker is always a private Mosquitto
 * the run can kill (MOSQUITTO_BIN, default /usr/sbin/mosquitto).
 */
export const faultServices = Object.freeze({
  databaseUrl: process.env.DATABASE_URL || undefined,
  redisUrl: process.env.REDIS_URL || undefined,
});

/** host and port of a postgres:// or redis:// URL, and the same URL pointed at another port. */
export function hostPortOf(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname || '127.0.0.1', port: Number(parsed.port || (parsed.protocol.startsWith('redis') ? 6379 : 5432)) };
}

export function withPort(url: string, port: number): string {
  const parsed = new URL(url);
  parsed.hostname = '127.0.0.1';
  parsed.port = String(port);
  return parsed.toString();
}
