import type { Migration } from 'kysely';
import * as m001 from './001_initial';
import * as m002 from './002_files_accepted_at';

// Listed explicitly (not read from disk) so migrations work the same from tsx, compiled output and bundles.
export const migrations: Record<string, Migration> = {
  '001_initial': m001,
  '002_files_accepted_at': m002,
};
