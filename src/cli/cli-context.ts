import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module';
import { PinoNestLogger, createRootLogger } from '../common/logger';
import { loadEnv } from '../config/env';
import { startEmbedded, stopEmbedded } from '../database/embedded';

/** Runs `fn` with the application (no HTTP server) on the configured database, then shuts down. */
export async function withAppContext<T>(fn: (app: INestApplicationContext) => Promise<T>): Promise<T> {
  const env = loadEnv();
  const databaseUrl =
    env.databaseUrl ?? (await startEmbedded({ dataDir: env.dataDir, engine: env.embeddedDb }));
  const logger = new PinoNestLogger(createRootLogger(env.logLevel === 'info' ? 'warn' : env.logLevel));
  const app = await NestFactory.createApplicationContext(AppModule.forRoot({ databaseUrl }), { logger });
  try {
    return await fn(app);
  } finally {
    await app.close();
    await stopEmbedded();
  }
}

/** Reads all of standard input (for --password-stdin). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Asks for a secret on the terminal without echoing it. */
export async function promptSecret(question: string): Promise<string> {
  const { stdin, stdout } = process;
  if (!stdin.isTTY) throw new Error('No terminal to prompt on: use --password-stdin');
  stdout.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  let value = '';
  return new Promise((resolve, reject) => {
    const onData = (buf: Buffer) => {
      for (const ch of buf.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off('data', onData);
          stdout.write('\n');
          resolve(value);
          return;
        }
        if (ch === '\u0003') {
          stdin.setRawMode(false);
          reject(new Error('Cancelled'));
          return;
        }
        if (ch === '\u007f') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}
