import 'reflect-metadata';
import { importArchiveCommand, IMPORT_ARCHIVE_USAGE } from './cli/import-archive.command';
import { importCommand, IMPORT_USAGE } from './cli/import.command';
import { userCreateCommand, USER_CREATE_USAGE } from './cli/user-create.command';
import { DomainError } from './common/errors';
import { ConfigError, loadDotEnvFile } from './config/env';

type Command = { usage: string; run: (argv: string[]) => Promise<number> };

// Operator commands: `npm run cli -- <command> [options]`.
const COMMANDS: Record<string, Command> = {
  'user:create': { usage: USER_CREATE_USAGE, run: userCreateCommand },
  import: { usage: IMPORT_USAGE, run: importCommand },
  'import-archive': { usage: IMPORT_ARCHIVE_USAGE, run: importArchiveCommand },
};

async function main(): Promise<number> {
  loadDotEnvFile();
  const [name, ...rest] = process.argv.slice(2);
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    console.error(
      `usage: npm run cli -- <command>\n\n${Object.values(COMMANDS)
        .map((c) => `  ${c.usage}`)
        .join('\n')}`,
    );
    return 2;
  }
  return command.run(rest);
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof ConfigError || e instanceof DomainError) console.error(e.message);
    else console.error(e);
    process.exit(1);
  },
);
