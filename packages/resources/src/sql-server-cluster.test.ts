import { harness } from './test-support/harness.ts';
import { sqlServerClusterSuite } from './test-support/sql-server-cluster-suite.ts';

sqlServerClusterSuite((options) => harness(options));
