// Placeholder of the recording side (issue 14, lifecycle): the type of what starts a notice's delivery.
import type { NoticeSource } from '../../workflows/definitions.js';

/** Starts the delivery of a recorded notice; a second call for the same notice changes nothing. */
export type StartDelivery = (source: NoticeSource, noticeId: string) => Promise<void>;
