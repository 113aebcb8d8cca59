// AM102 legacy-query — NOT YET IMPLEMENTED (placeholder so the registry is complete; being written).
import type { Rule } from '../rule';

export const legacyQuery: Rule = {
  code: 'AM102',
  name: 'legacy-query',
  defaultSeverity: 'hint',
  fix: 'always',
  docs: { what: 'TODO', why: 'TODO', example: 'TODO', useInstead: 'TODO', limits: [] },
  check() {},
};
