import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from './database.options';

// For the TypeORM CLI only (migration:generate / migration:run); the app builds its own.
const url = process.env.DATABASE_URL;
if (!url) throw new Error('Set DATABASE_URL to use the TypeORM CLI');
export default new DataSource(buildDataSourceOptions(url));
