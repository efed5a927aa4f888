import { type Logger, pino } from 'pino';

export function createLogger(level: string, name = 'switchboard'): Logger {
  return pino({ name, level, base: { pid: process.pid } });
}
