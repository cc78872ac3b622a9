// The applicant's "I paid": one inquiry of the bank about the application's billing code, on request. Each payment
// found is handed to its bank transaction's workflow (as a callback would be); the answer lists what was found.
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { BankTransaction, PaymentInquiryInput } from './definitions.js';

const activities = proxyActivities<Activities>({ startToCloseTimeout: '30 seconds', retry: { initialInterval: '1 second', maximumAttempts: 3 } });

export async function paymentInquiry(input: PaymentInquiryInput): Promise<BankTransaction[]> {
  return activities.inquireBank({ billingCode: input.billingCode });
}
