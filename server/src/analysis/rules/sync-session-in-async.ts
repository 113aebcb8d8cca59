// AM103 sync-session-in-async — NOT YET IMPLEMENTED (placeholder so the registry is complete; being written).
import type { Rule } from '../rule';

export const syncSessionInAsync: Rule = {
  code: 'AM103',
  name: 'sync-session-in-async',
  defaultSeverity: 'error',
  fix: 'always',
  docs: { what: 'TODO', why: 'TODO', example: 'TODO', useInstead: 'TODO', limits: [] },
  check() {},
};
