import { harness } from './test-support/harness.ts';
import { heatSemanticsSuite } from './test-support/heat-semantics-suite.ts';

heatSemanticsSuite((options) => harness(options));
