// The custom search attributes the workflow upserts. The dev server registers them at start
// (--search-attribute); on an existing cluster we add them through the operator service.
import type { Connection } from '@temporalio/client';
import { KYC_STATUS_SEARCH_ATTRIBUTE } from '../definitions';

/** Name -> type as the CLI spells it. */
export const REQUIRED_SEARCH_ATTRIBUTES: Record<string, 'Keyword'> = {
  [KYC_STATUS_SEARCH_ATTRIBUTE.name]: 'Keyword',
};

type AddRequest = Parameters<Connection['operatorService']['addSearchAttributes']>[0];
type IndexedValueType = NonNullable<AddRequest['searchAttributes']>[string];
// temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD; @temporalio/proto is not a direct dependency.
const INDEXED_VALUE_TYPE_KEYWORD = 2 as IndexedValueType;

export class SearchAttributeError extends Error {
  override readonly name = 'SearchAttributeError';
  readonly code = 'TEMPORAL_SEARCH_ATTRIBUTES_MISSING';
}

async function missingSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const custom = existing.customAttributes ?? {};
  return Object.keys(REQUIRED_SEARCH_ATTRIBUTES).filter((name) => custom[name] === undefined);
}

export async function hasSearchAttributes(connection: Connection, namespace: string): Promise<boolean> {
  return (await missingSearchAttributes(connection, namespace)).length === 0;
}

/** Idempotent: adds only what is missing. Clusters that forbid it (e.g. Temporal Cloud) get a clear instruction. */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const missing = await missingSearchAttributes(connection, namespace);
  if (missing.length === 0) return;
  const searchAttributes = Object.fromEntries(missing.map((name) => [name, INDEXED_VALUE_TYPE_KEYWORD]));
  try {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
  } catch (err) {
    const commands = missing.map(
      (n) => `temporal operator search-attribute create --name ${n} --type Keyword`,
    );
    throw new SearchAttributeError(
      `Could not register search attributes ${missing.join(', ')} in namespace ${namespace} (${String(err)}). ` +
        `Register them once yourself: ${commands.join('; ')}`,
    );
  }
}
