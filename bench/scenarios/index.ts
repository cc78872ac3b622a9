// Every scenario of `npm run bench`, in the order they run (`--only` picks among them by id).
import type { Scenario } from '../scenario.js';
import { scenario as actions } from './actions.js';
import { scenario as lifecycle } from './lifecycle.js';
import { scenario as scaling } from './scaling.js';

export const SCENARIOS: Scenario[] = [lifecycle, actions, scaling];
