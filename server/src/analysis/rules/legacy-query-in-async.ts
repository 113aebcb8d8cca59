// AM101 legacy-query-in-async — NOT YET IMPLEMENTED (placeholder so the registry is complete; being written).
import type { Rule } from '../rule';

export const legacyQueryInAsync: Rule = {
  code: 'AM101',
  name: 'legacy-query-in-async',
  defaultSeverity: 'error',
  fix: 'always',
  docs: { what: 'TODO', why: 'TODO', example: 'TODO', useInstead: 'TODO', limits: [] },
  check() {},
};
