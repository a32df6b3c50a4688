import { Foundation1764300000000 } from './1764300000000-foundation';
import { Outbox1764300200000 } from './1764300200000-outbox';

/** Every migration in order, listed explicitly (no globs) so every runtime loads the same classes. */
export const migrations = [Foundation1764300000000, Outbox1764300200000];
