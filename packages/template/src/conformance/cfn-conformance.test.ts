// Every CloudFormation-format template of the corpus (../shared/corpus/cfn)
// through Hearth, compared with Heat 19's own verdict (see describeConformance).
import { cfnCorpusRoot, corpusEntries } from '../test-support/corpus.ts';
import { describeConformance } from '../test-support/conformance-suite.ts';

const root = cfnCorpusRoot();
describeConformance(root, corpusEntries(root, 'cfn'), {});
