export class PgServer {
  constructor(dir: string, port: number);
  readonly dir: string;
  readonly port: number;
  url(database: string): string;
  start(): Promise<void>;
  stop(): Promise<void>;
  query<T = Record<string, unknown>>(database: string, text: string, values?: unknown[]): Promise<T[]>;
}

export interface PgPair {
  root: string;
  primary: PgServer;
  replica: PgServer;
  stop(): Promise<void>;
}

export function startPgPair(options: {
  database: string;
  settings?: string[];
  replicaSettings?: string[];
  prepare?: (primary: PgServer) => Promise<unknown>;
  onStopError?: (which: 'primary' | 'replica', error: Error) => void;
}): Promise<PgPair>;
