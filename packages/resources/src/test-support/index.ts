// What other packages' tests reuse: the harness contract and the lifecycle suite.
export { harness, harnessFor, transitions, type Harness, type HarnessOptions, type MakeHarness } from './harness.ts';
export { lifecycleSuite, type SuiteOptions } from './lifecycle-suite.ts';
export { sqlServerClusterSuite } from './sql-server-cluster-suite.ts';
export { typesSuite } from './types-suite.ts';
export { heatSemanticsSuite } from './heat-semantics-suite.ts';
export { watch, type Watch } from './watch.ts';
