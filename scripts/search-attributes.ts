// Registers the managers' search attributes on a Temporal server through its operator API
// (the time-skipping test server starts with none; a production cluster needs them once).
import type { Connection } from '@temporalio/client';
import { SearchAttributeType } from '@temporalio/common';
import proto from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from '../workflows/definitions.js';

const { IndexedValueType } = proto.temporal.api.enums.v1;
const INDEXED: Partial<Record<SearchAttributeType, proto.temporal.api.enums.v1.IndexedValueType>> = {
  [SearchAttributeType.KEYWORD]: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  [SearchAttributeType.DATETIME]: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  [SearchAttributeType.BOOL]: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
};

export async function registerSearchAttributes(connection: Pick<Connection, 'operatorService'>, namespace = 'default', keys = SEARCH_ATTRIBUTES): Promise<void> {
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(keys.map((key) => [key.name, INDEXED[key.type]!])),
  });
}

/**
 * Registers the search attributes the namespace does not have yet, and returns their names. A dev server started
 * on an existing database file (`npm start` after an upgrade) keeps the attributes it had and ignores its
 * `--search-attribute` flags, so an attribute added by a later release would be missing and every workflow start
 * that sets it refused.
 */
export async function ensureSearchAttributes(connection: Pick<Connection, 'operatorService'>, namespace = 'default'): Promise<string[]> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const missing = SEARCH_ATTRIBUTES.filter((key) => !(key.name in customAttributes));
  if (missing.length) await registerSearchAttributes(connection, namespace, missing);
  return missing.map((key) => key.name);
}
