// Every workflow type the worker runs: a new one (a refund, a reconciliation) is one export here.
export { passportApplication } from './application.js';
export { reconciliation } from './reconciliation.js';
