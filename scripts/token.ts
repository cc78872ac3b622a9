// `npm run token -- --role officer --office PLU [--sub officer-plu-1] [--hours 8]`: a demo staff token,
// signed with JWT_SECRET from the environment (the embedded default when unset).
import { parseArgs } from 'node:util';
import { ALL_OFFICES, mintStaffToken } from '../api/auth.js';
import { loadConfig } from '../config.js';

const { values } = parseArgs({
  options: {
    role: { type: 'string', default: 'officer' },
    office: { type: 'string' },
    sub: { type: 'string' },
    hours: { type: 'string' },
  },
});
const config = loadConfig();
const role = values.role;
const office = values.office;
if ((role !== 'officer' && role !== 'manager') || !office || (role === 'officer' && office === ALL_OFFICES)) {
  console.error('usage: npm run token -- --role officer|manager --office <CODE> [--sub <id>] [--hours <n>]\n  a manager of every office: --role manager --office "*"');
  process.exit(2);
}
const sub = values.sub ?? `${role}-${office === ALL_OFFICES ? 'directorate' : office.toLowerCase()}-demo`;
const hours = values.hours ? Number(values.hours) : config.STAFF_TOKEN_HOURS;
console.log(await mintStaffToken(config.JWT_SECRET, { sub, role, office }, Math.round(hours * 3600)));
