// Every HOT template of the corpus through Hearth, compared with Heat 19's own
// verdict (see describeConformance).
import { corpusEntries, corpusRoot } from '../test-support/corpus.ts';
import { describeConformance, type KnownDifferences } from '../test-support/conformance-suite.ts';
import known from './known-differences.json' with { type: 'json' };

const root = corpusRoot();
describeConformance(root, corpusEntries(root), known.differences as KnownDifferences);
