import { harness } from './test-support/harness.ts';
import { typesSuite } from './test-support/types-suite.ts';

typesSuite((options) => harness(options));
