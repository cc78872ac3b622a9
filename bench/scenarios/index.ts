// Every scenario of `npm run bench`, in the order they run (`--only` picks among them by id). Memory is last:
// it restarts the cluster's worker (with its metrics on), which the others measure by its pid.
import type { Scenario } from '../scenario.js';
import { scenario as actions } from './actions.js';
import { scenario as booking } from './booking.js';
import { scenario as lifecycle } from './lifecycle.js';
import { scenario as memory } from './memory.js';
import { scenario as scaling } from './scaling.js';
import { scenario as tracking } from './tracking.js';

export const SCENARIOS: Scenario[] = [lifecycle, actions, tracking, booking, scaling, memory];
