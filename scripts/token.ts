// `npm run token -- --role officer --office PLU [--sub officer-plu-1] [--hours 8]`, or in short
// `npm run token -- finance PLU`: a demo staff token, signed with JWT_SECRET from the environment (the embedded
// default when unset). Officers belong to one office; a manager may have every office ("*"), and a finance officer
// of the directorate ("*") decides the refunds of no office.
import { parseArgs } from 'node:util';
import { ALL_OFFICES, mintStaffToken } from '../api/auth.js';
import { loadConfig } from '../config.js';

const STAFF_ROLES = ['officer', 'manager', 'finance'] as const;
type StaffRole = (typeof STAFF_ROLES)[number];

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    role: { type: 'string' },
    office: { type: 'string' },
    sub: { type: 'string' },
    hours: { type: 'string' },
  },
});
const config = loadConfig();
const role = values.role ?? positionals[0] ?? 'officer';
const office = values.office ?? positionals[values.role ? 0 : 1];
const isStaffRole = (r: string): r is StaffRole => (STAFF_ROLES as readonly string[]).includes(r);
if (!isStaffRole(role) || !office || (role === 'officer' && office === ALL_OFFICES) || positionals.length > 2) {
  console.error(
    'usage: npm run token -- --role officer|finance|manager --office <CODE> [--sub <id>] [--hours <n>]\n' +
      '       npm run token -- <role> <CODE>      e.g. npm run token -- finance PLU\n' +
      '  a manager of every office: --role manager --office "*"; a finance officer of the directorate (refunds of no office): finance "*"',
  );
  process.exit(2);
}
const sub = values.sub ?? `${role}-${office === ALL_OFFICES ? 'directorate' : office.toLowerCase()}-demo`;
const hours = values.hours ? Number(values.hours) : config.STAFF_TOKEN_HOURS;
console.log(await mintStaffToken(config.JWT_SECRET, { sub, role, office }, Math.round(hours * 3600)));
