// `npm run stuck -- --office PLU`: the managers' lists (managers/visibility.ts) from the terminal,
// through the Temporal client's list API; the same filters work in the Web UI.
// `npm run stuck -- --tracking VAYC-NFMU-68PZ`: the one application an applicant names, found the same way.
import { parseArgs } from 'node:util';
import { Client, Connection, type WorkflowExecutionInfo } from '@temporalio/client';
import { loadConfig } from '../config.js';
import { OfficeCode, PassportStage, SlaAtRisk, SlaBreached, SlaDeadline, StageEnteredAt } from '../workflows/definitions.js';
import { byTrackingCode, inOffice, managerQueries, normaliseTrackingCode, webUiBase, webUiLink, webUiWorkflowLink } from '../managers/visibility.js';

const USAGE = 'usage: npm run stuck -- [--office PLU] [--tracking VAYC-NFMU-68PZ] [--limit 50] [--ui <Web UI URL>]';
const values = (() => {
  try {
    return parseArgs({ options: { office: { type: 'string' }, tracking: { type: 'string' }, limit: { type: 'string', default: '50' }, ui: { type: 'string' } } }).values;
  } catch (error) {
    return refuse(`${(error as Error).message}\n${USAGE}`);
  }
})();
/** What the user typed, as a message quotes it: escaped, and cut short when long. */
const quoted = (text: string) => JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
// Only a checked code or office goes into a query: nothing typed here can change what the query asks.
const office = values.office?.toUpperCase();
if (office !== undefined && !/^[A-Z]{3}$/.test(office)) refuse(`--office ${quoted(values.office!)} is not an office code (three letters, e.g. PLU)`);
const trackingCode = values.tracking === undefined ? undefined : normaliseTrackingCode(values.tracking);
if (values.tracking !== undefined && !trackingCode) refuse(`--tracking ${quoted(values.tracking)} is not a tracking code (12 letters and digits like VAYC-NFMU-68PZ)`);
// It talks to Temporal only: in production it needs Temporal's address and its Web UI's (for the links), never the database's settings.
const config = loadConfig(process.env, ['TEMPORAL_ADDRESS', 'TEMPORAL_UI_URL']);
const address = config.TEMPORAL_ADDRESS ?? `127.0.0.1:${config.TEMPORAL_DEV_PORT}`;
const uiUrl = webUiBase({ ...config, TEMPORAL_UI_URL: values.ui ?? config.TEMPORAL_UI_URL });
const connection = await Connection.connect({ address });
const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
const limit = Number(values.limit);

function refuse(message: string): never {
  console.error(message);
  process.exit(2);
}

const line = (wf: WorkflowExecutionInfo) => {
  const attrs = wf.typedSearchAttributes;
  const deadline = attrs.get(SlaDeadline);
  return `  ${wf.workflowId}  ${attrs.get(OfficeCode) ?? '?'}  ${String(attrs.get(PassportStage) ?? '?').padEnd(18)}  since ${attrs.get(StageEnteredAt)?.toISOString() ?? '?'}${deadline ? `  SLA ${deadline.toISOString()}` : ''}`;
};

if (trackingCode) {
  const query = inOffice(byTrackingCode(trackingCode), office);
  const found: WorkflowExecutionInfo[] = [];
  for await (const wf of client.workflow.list({ query })) found.push(wf);
  if (found.length === 0) {
    console.error(`no workflow with this tracking code (${trackingCode}${office ? ` at ${office}` : ''}); one started before the code was a search attribute is found by its application id`);
    console.error(`  ${webUiLink(uiUrl, config.TEMPORAL_NAMESPACE, query)}`);
    await connection.close();
    process.exit(1);
  }
  for (const wf of found) {
    const attrs = wf.typedSearchAttributes;
    console.log(`${trackingCode}: ${wf.workflowId} (${wf.status.name})`);
    console.log(`  office ${attrs.get(OfficeCode) ?? '?'}, stage ${attrs.get(PassportStage) ?? '?'} since ${attrs.get(StageEnteredAt)?.toISOString() ?? '?'}`);
    console.log(`  SLA deadline ${attrs.get(SlaDeadline)?.toISOString() ?? '(not yet: before the interview)'}${attrs.get(SlaBreached) ? ', breached and compensated' : ''}`);
    console.log(`  at risk: ${attrs.get(SlaAtRisk) ? 'yes' : 'no'}`);
    console.log(`  ${webUiWorkflowLink(uiUrl, config.TEMPORAL_NAMESPACE, wf.workflowId)}`);
  }
} else {
  for (const { title, query } of managerQueries({ now: new Date(), office })) {
    const { count } = await client.workflow.count(query);
    console.log(`\n${title}: ${count}`);
    console.log(`  ${webUiLink(uiUrl, config.TEMPORAL_NAMESPACE, query)}`);
    let shown = 0;
    for await (const wf of client.workflow.list({ query, pageSize: limit })) {
      console.log(line(wf));
      if (++shown >= limit) break;
    }
  }
}
await connection.close();
