// Structured JSON logs (pino); human-readable in a terminal. Never log personal data.
import { pino, type Logger } from 'pino';
import type { Config } from './config.js';

export function createLogger(config: Pick<Config, 'LOG_LEVEL' | 'NODE_ENV'>): Logger {
  const pretty = process.stdout.isTTY && config.NODE_ENV !== 'production';
  const options = { level: config.LOG_LEVEL, base: { service: 'passport' } };
  if (pretty) return pino({ ...options, transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss', ignore: 'pid,hostname,service' } } });
  // Synchronous writes: the last lines before an exit are never lost.
  return pino(options, pino.destination({ sync: true }));
}
