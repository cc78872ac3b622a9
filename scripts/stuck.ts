// `npm run stuck -- --office PLU`: the managers' lists (managers/visibility.ts) from the terminal,
// through the Temporal client's list API; the same filters work in the Web UI.
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../config.js';
import { OfficeCode, PassportStage, SlaDeadline, StageEnteredAt } from '../workflows/definitions.js';
import { managerQueries, webUiBase, webUiLink } from '../managers/visibility.js';

const { values } = parseArgs({ options: { office: { type: 'string' }, limit: { type: 'string', default: '50' }, ui: { type: 'string' } } });
// It talks to Temporal only: in production it needs Temporal's address and its Web UI's (for the links), never the database's settings.
const config = loadConfig(process.env, ['TEMPORAL_ADDRESS', 'TEMPORAL_UI_URL']);
const address = config.TEMPORAL_ADDRESS ?? `127.0.0.1:${config.TEMPORAL_DEV_PORT}`;
const uiUrl = webUiBase({ ...config, TEMPORAL_UI_URL: values.ui ?? config.TEMPORAL_UI_URL });
const connection = await Connection.connect({ address });
const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
const limit = Number(values.limit);

for (const { title, query } of managerQueries({ now: new Date(), office: values.office })) {
  const { count } = await client.workflow.count(query);
  console.log(`\n${title}: ${count}`);
  console.log(`  ${webUiLink(uiUrl, config.TEMPORAL_NAMESPACE, query)}`);
  let shown = 0;
  for await (const wf of client.workflow.list({ query, pageSize: limit })) {
    const attrs = wf.typedSearchAttributes;
    const deadline = attrs.get(SlaDeadline);
    console.log(
      `  ${wf.workflowId}  ${attrs.get(OfficeCode) ?? '?'}  ${String(attrs.get(PassportStage) ?? '?').padEnd(18)}  since ${attrs.get(StageEnteredAt)?.toISOString() ?? '?'}${deadline ? `  SLA ${deadline.toISOString()}` : ''}`,
    );
    if (++shown >= limit) break;
  }
}
await connection.close();
