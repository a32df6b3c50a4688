import { parseArgs } from 'node:util';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { CreateUserDto } from '../users/user.dto';
import { UsersService } from '../users/users.service';
import { promptSecret, readStdin, withAppContext } from './cli-context';

export const USER_CREATE_USAGE =
  'user:create --email <email> --name <name> --role writer|editor|admin [--password-stdin]';

/** `user:create`: creates a staff account; the password comes from stdin or a prompt, never from argv. */
export async function userCreateCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string', default: 'writer' },
      'password-stdin': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const password = values['password-stdin']
    ? (await readStdin()).replace(/\r?\n$/, '')
    : await promptSecret('Password: ');
  const dto = plainToInstance(CreateUserDto, {
    email: values.email,
    name: values.name,
    role: values.role,
    password,
  });
  const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    for (const e of errors) console.error(`${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`);
    console.error(`usage: ${USER_CREATE_USAGE}`);
    return 2;
  }
  const user = await withAppContext((app) => app.get(UsersService).create('system', dto));
  console.log(`Created ${user.role} ${user.email} (${user.id})`);
  return 0;
}
