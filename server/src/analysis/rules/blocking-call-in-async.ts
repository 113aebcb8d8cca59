// AM601 blocking-call-in-async — NOT YET IMPLEMENTED (placeholder so the registry is complete; being written).
import type { Rule } from '../rule';

export const blockingCallInAsync: Rule = {
  code: 'AM601',
  name: 'blocking-call-in-async',
  defaultSeverity: 'warning',
  fix: 'always',
  docs: { what: 'TODO', why: 'TODO', example: 'TODO', useInstead: 'TODO', limits: [] },
  check() {},
};
