// `npm run sign-callback -- bank '<json>'` (or `pos`): the headers the bank or Pos Indonesia would send,
// signed with BANK_CALLBACK_SECRET / POS_CALLBACK_SECRET from the environment, and a curl command.
import { signedHeaders } from '../api/signatures.js';
import { loadConfig } from '../config.js';

const [sender, body] = process.argv.slice(2);
const paths = { bank: '/callbacks/bank/payments', pos: '/callbacks/pos/deliveries' } as const;
if ((sender !== 'bank' && sender !== 'pos') || !body) {
  console.error(`usage: npm run sign-callback -- bank|pos '<json body>'
  e.g. npm run sign-callback -- bank '{"bank":"BNI","transactionId":"1","ntpn":"0A1B2C3D4E5F6789","billingCode":"123456789012345","amount":950000,"paidAt":"2026-11-23T10:00:00+07:00"}'
  (a bank payment is the bank's code, its own transaction id and the state receipt number, NTPN)`);
  process.exit(2);
}
try {
  JSON.parse(body);
} catch {
  console.error('the body is not valid JSON');
  process.exit(2);
}
const config = loadConfig();
const headers = signedHeaders(sender === 'bank' ? config.BANK_CALLBACK_SECRET : config.POS_CALLBACK_SECRET, body);
for (const [name, value] of Object.entries(headers)) console.log(`${name}: ${value}`);
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const url = `http://${config.HOST}:${config.PORT}${paths[sender]}`;
console.log(`\ncurl -s ${url} ${Object.entries(headers).map(([n, v]) => `-H ${quote(`${n}: ${v}`)}`).join(' ')} --data-raw ${quote(body)}`);
