// `npm run offices -- import <file.csv> [--dry-run]`: the operator loads the office catalogue from a CSV
// (deploy/reference/README.md). Every line is checked first and each problem named by its line and column; then,
// all or nothing, the catalogue is applied through the reference loader (the file is the truth: an office no
// longer listed is retired) and the file is kept as offices.csv in REFERENCE_DATA_DIR, where every later setup
// step and `npm start` read it, so they do not undo the import. Reaches PostgreSQL at DATABASE_URL, or else the
// embedded one that `npm start` runs (EMBEDDED_PG_PORT).
import { rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { OFFICES_CSV } from '../db/offices-csv.js';
import { ReferenceDataError, loadReferenceData, officesFromCsv, readReferenceData, readReferenceText } from '../db/reference.js';
import { operatorDatabase } from './operator-db.js';

const USAGE = `usage:
  npm run offices -- import <file.csv> [--dry-run]
  header: code,name,city,address,time_zone,notice_email,regular_morning,regular_afternoon,priority_morning,priority_afternoon,same_day_morning,same_day_afternoon,weekend_days`;

const { positionals, values } = parseArgs({ allowPositionals: true, options: { 'dry-run': { type: 'boolean', default: false }, help: { type: 'boolean', default: false } } });
const [command, file] = positionals;
if (values.help || command !== 'import' || !file || positionals.length > 2) {
  console.error(USAGE);
  process.exit(2);
}

const { config, db, run } = operatorDatabase();

await run(async () => {
  const problems: string[] = [];
  const text = await readReferenceText(resolve(file), file, problems);
  const offices = text === undefined ? undefined : officesFromCsv(text, file, problems);
  if (!offices) throw new ReferenceDataError(problems);
  const folder = resolve(config.REFERENCE_DATA_DIR);
  // The rest of the folder (fees, documents, calendar) as the setup step reads it; the offices are the CSV's.
  const data = { ...(await readReferenceData(folder).catch((error: unknown) => rethrowUnlessOffices(error))), offices, officesFile: OFFICES_CSV };
  const known = new Set((await db.selectFrom('offices').select('code').where('retired_at', 'is', null).execute()).map((o) => o.code));
  const listed = new Set(offices.map((o) => o.code));
  const added = offices.filter((o) => !known.has(o.code)).map((o) => o.code);
  const retired = [...known].filter((code) => !listed.has(code));
  console.log(`${file}: ${offices.length} offices, valid${added.length ? `; new: ${added.join(', ')}` : ''}${retired.length ? `; to be retired (no longer listed): ${retired.join(', ')}` : ''}`);
  if (values['dry-run']) {
    console.log('dry run: nothing changed');
    return;
  }
  // Written beside the folder's files first, put in place only once the database took it.
  const target = join(folder, OFFICES_CSV);
  const staged = `${target}.importing`;
  await writeFile(staged, text!.startsWith('\uFEFF') ? text!.slice(1) : text!);
  try {
    const report = await loadReferenceData(db, data);
    for (const line of report.lines.filter((l) => l.startsWith(OFFICES_CSV))) console.log(`  ${line}`);
    for (const warning of report.warnings) console.log(`WARNING: ${warning}`);
  } catch (error) {
    await rm(staged, { force: true });
    throw error;
  }
  await rename(staged, target);
  const json = join(folder, 'offices.json');
  const aside = `${json}.before-import`;
  if (await rename(json, aside).then(() => true, () => false)) console.log(`offices.json moved aside to ${aside}: ${target} is the catalogue now`);
  console.log(`kept as ${target}: the setup step and npm start load it from now on`);
});

/** A folder whose only problem is its offices file (the one being replaced) is fine for an import. */
function rethrowUnlessOffices(error: unknown): never {
  throw error instanceof ReferenceDataError && error.problems.every((p) => /^offices\.(json|csv)/.test(p))
    ? new Error(`${error.message}\n(the offices file of ${config.REFERENCE_DATA_DIR} is what this import replaces: move it aside and run the import again)`)
    : error;
}
