import type { Migration } from 'kysely';
import * as m001 from './001_initial';

// Listed explicitly (not read from disk) so migrations work the same from tsx, compiled output and bundles.
export const migrations: Record<string, Migration> = {
  '001_initial': m001,
};
