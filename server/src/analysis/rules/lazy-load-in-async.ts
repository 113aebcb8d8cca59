// AM105 lazy-load-in-async — NOT YET IMPLEMENTED (placeholder so the registry is complete; being written).
import type { Rule } from '../rule';

export const lazyLoadInAsync: Rule = {
  code: 'AM105',
  name: 'lazy-load-in-async',
  defaultSeverity: 'error',
  fix: 'always',
  docs: { what: 'TODO', why: 'TODO', example: 'TODO', useInstead: 'TODO', limits: [] },
  check() {},
};
