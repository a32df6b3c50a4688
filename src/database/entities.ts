import { Author } from '../authors/author.entity';
import { OutboxEvent } from '../events/event.entity';
import { Tag, TagAlias } from '../tags/tag.entity';
import { User } from '../users/user.entity';

/** Every entity, listed explicitly so tsc output, jest and the TypeORM CLI load the same classes. */
export const entities = [User, Author, Tag, TagAlias, OutboxEvent];
