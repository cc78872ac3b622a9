// Every workflow type the worker runs: a new one (a refund, a reconciliation) is one export here.
export { passportApplication } from './application.js';
export { refund } from './refund.js';
export { bankTransaction } from './bank-transaction.js';
export { paymentInquiry } from './payment-inquiry.js';
export { reconciliation } from './reconciliation.js';
export { noticeDelivery } from './notice-delivery.js';
export { officeClosure } from './office-closure.js';
export { seatWaitlist } from './seat-waitlist.js';
