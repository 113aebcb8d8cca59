// AM201 missing-await — NOT YET IMPLEMENTED (placeholder so the registry is complete; being written).
import type { Rule } from '../rule';

export const missingAwait: Rule = {
  code: 'AM201',
  name: 'missing-await',
  defaultSeverity: 'error',
  fix: 'always',
  docs: { what: 'TODO', why: 'TODO', example: 'TODO', useInstead: 'TODO', limits: [] },
  check() {},
};
