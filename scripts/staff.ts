// `npm run staff -- add --role officer --office PLU --email siti@imigrasi.example`: a staff account that signs in
// with a password (POST /auth/staff/login, and the officer desk) instead of a token minted by `npm run token`.
// The password comes from STAFF_PASSWORD or is asked for (never an argument: it would stay in the shell's history).
//   npm run staff -- add --role officer|manager|finance --office <CODE|*> --email <email> [--id <subject>]
//   npm run staff -- disable --email <email>      (its tokens stay valid until they expire)
//   npm run staff -- list
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { hashPassword } from '../api/passwords.js';
import { credentialsSchema } from '../api/schemas.js';
import { createStaffAccount, disableStaffAccount, listStaffAccounts, type StaffRole } from '../db/queries/staff-accounts.js';
import { ALL_OFFICES } from '../workflows/definitions.js';
import { operatorDatabase } from './operator-db.js';

const USAGE = `usage: npm run staff -- add --role officer|manager|finance --office <CODE|*> --email <email> [--id <subject>]
       npm run staff -- disable --email <email>
       npm run staff -- list
The password of 'add' comes from STAFF_PASSWORD, or is asked for.`;
const ROLES: readonly StaffRole[] = ['officer', 'manager', 'finance'];

function fail(message: string, code = 2): never {
  console.error(message);
  process.exit(code);
}

const { values, positionals } = (() => {
  try {
    return parseArgs({ allowPositionals: true, options: { role: { type: 'string' }, office: { type: 'string' }, email: { type: 'string' }, id: { type: 'string' } } });
  } catch (error) {
    return fail(`${(error as Error).message}\n${USAGE}`);
  }
})();
const command = positionals[0];
if (!['add', 'disable', 'list'].includes(command ?? '') || positionals.length > 1) fail(USAGE);

async function askPassword(): Promise<string> {
  if (process.env.STAFF_PASSWORD) return process.env.STAFF_PASSWORD;
  if (!process.stdin.isTTY) fail('no STAFF_PASSWORD and no terminal to ask on: set STAFF_PASSWORD');
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return await rl.question('Password (at least 10 characters): ');
  } finally {
    rl.close();
  }
}

/** The add command's input, checked as the API checks a sign-in (email, password) plus role and office. */
async function toAdd() {
  const role = values.role as StaffRole;
  if (!ROLES.includes(role)) fail(`--role must be one of ${ROLES.join(', ')}\n${USAGE}`);
  const office = values.office?.toUpperCase() ?? fail(`--office is required\n${USAGE}`);
  if (office !== ALL_OFFICES && !/^[A-Z]{3}$/.test(office)) fail(`--office must be an office code (three letters) or *`);
  if (role === 'officer' && office === ALL_OFFICES) fail('an officer belongs to one office: --office must be its code');
  const parsed = credentialsSchema.safeParse({ email: values.email ?? '', password: await askPassword() });
  if (!parsed.success) fail(z.prettifyError(parsed.error));
  const id = values.id ?? `${role}-${office === ALL_OFFICES ? 'directorate' : office.toLowerCase()}-${parsed.data.email.split('@')[0]!.replace(/[^a-z0-9]+/g, '-')}`;
  if (!/^[a-z0-9][a-z0-9-]{2,99}$/.test(id)) fail('--id must be 3 to 100 lower-case letters, digits or dashes');
  return { id, role, office, ...parsed.data };
}

const { db, run } = operatorDatabase();
await run(async () => {
  if (command === 'list') {
    for (const s of await listStaffAccounts(db)) console.log(`${s.office.padEnd(3)}  ${s.role.padEnd(7)}  ${s.email}  ${s.id}${s.disabled_at ? '  (disabled)' : ''}`);
    return;
  }
  if (command === 'disable') {
    const email = (values.email ?? fail(`--email is required\n${USAGE}`)).toLowerCase();
    if (!(await disableStaffAccount(db, email))) throw new Error(`no staff account with the email ${JSON.stringify(email)}`);
    console.log(`disabled ${email}: it cannot sign in any more (tokens already given out expire within STAFF_TOKEN_HOURS)`);
    return;
  }
  const add = await toAdd();
  if (add.office !== ALL_OFFICES && !(await db.selectFrom('offices').select('code').where('code', '=', add.office).executeTakeFirst())) throw new Error(`no office ${add.office}`);
  const created = await createStaffAccount(db, { id: add.id, email: add.email, role: add.role, office: add.office, passwordHash: await hashPassword(add.password) });
  if (!created) throw new Error(`a staff account with the email ${add.email} or the id ${add.id} exists already`);
  console.log(`${add.role} ${add.id} (${add.email}) of ${add.office} can sign in now (POST /auth/staff/login)`);
});
