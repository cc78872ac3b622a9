// `npm run sign-callback -- bank '<json>'` (or `pos`): the headers the bank or Pos Indonesia would send,
// signed with BANK_CALLBACK_SECRET / POS_CALLBACK_SECRET from the environment, and a curl command.
// `npm run sign-callback -- settlement <BANK> <YYYY-MM-DD> <file.csv>`: the same for a bank's settlement report.
// `npm run sign-callback -- refund '<json>'`: the bank's confirmation of a refund's transfer.
import { readFileSync } from 'node:fs';
import { signedHeaders, signedSettlementHeaders } from '../api/signatures.js';
import { loadConfig } from '../config.js';

const [sender, ...rest] = process.argv.slice(2);
const paths = { bank: '/callbacks/bank/payments', refund: '/callbacks/bank/refunds', pos: '/callbacks/pos/deliveries' } as const;
const usage = () => {
  console.error(`usage: npm run sign-callback -- bank|refund|pos '<json body>'
  e.g. npm run sign-callback -- bank '{"bank":"BNI","transactionId":"1","ntpn":"0A1B2C3D4E5F6789","billingCode":"123456789012345","amount":950000,"paidAt":"2026-11-23T10:00:00+07:00"}'
  (a bank payment is the bank's code, its own transaction id and the state receipt number, NTPN)
       npm run sign-callback -- refund '{"refundId":"refund-BNI-1","reference":"RF1234567890","confirmedAt":"2026-11-28T10:00:00+07:00"}'
       npm run sign-callback -- settlement BRI 2026-11-27 settlement.csv`);
  process.exit(2);
};
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const config = loadConfig();
const base = `http://${config.HOST}:${config.PORT}`;

/** The signed headers, then a curl command (the last line) that sends the body as signed. */
function print(headers: Record<string, string>, url: string, data: string) {
  for (const [name, value] of Object.entries(headers)) console.log(`${name}: ${value}`);
  console.log(`\ncurl -s ${quote(url)} ${Object.entries(headers).map(([n, v]) => `-H ${quote(`${n}: ${v}`)}`).join(' ')} ${data}`);
}

if (sender === 'settlement') {
  const [bank, date, file] = rest;
  if (!bank || !date || !file) usage();
  // Signed with its bank and day over the file's text as the server reads it (UTF-8, without a byte-order mark), sent byte for byte.
  const text = readFileSync(file!, 'utf8').replace(/^\uFEFF/, '');
  const headers = signedSettlementHeaders(config.BANK_CALLBACK_SECRET, { bank: bank!, date: date!, csv: text });
  print(headers, `${base}/callbacks/bank/settlements?bank=${encodeURIComponent(bank!)}&date=${encodeURIComponent(date!)}`, `--data-binary @${quote(file!)}`);
} else {
  const [body] = rest;
  if ((sender !== 'bank' && sender !== 'refund' && sender !== 'pos') || !body) usage();
  try {
    JSON.parse(body!);
  } catch {
    console.error('the body is not valid JSON');
    process.exit(2);
  }
  const headers = signedHeaders(sender === 'pos' ? config.POS_CALLBACK_SECRET : config.BANK_CALLBACK_SECRET, body!);
  print(headers, `${base}${paths[sender as keyof typeof paths]}`, `--data-raw ${quote(body!)}`);
}
