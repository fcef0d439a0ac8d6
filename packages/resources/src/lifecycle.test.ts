import { harness } from './test-support/harness.ts';
import { lifecycleSuite } from './test-support/lifecycle-suite.ts';

lifecycleSuite((options) => harness(options), { stopsWithTheProcess: true });
