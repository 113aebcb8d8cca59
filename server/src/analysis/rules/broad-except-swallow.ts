// AM501 broad-except-swallow — NOT YET IMPLEMENTED (placeholder so the registry is complete; being written).
import type { Rule } from '../rule';

export const broadExceptSwallow: Rule = {
  code: 'AM501',
  name: 'broad-except-swallow',
  defaultSeverity: 'warning',
  fix: 'suggestion',
  docs: { what: 'TODO', why: 'TODO', example: 'TODO', useInstead: 'TODO', limits: [] },
  check() {},
};
