// AM302 unawaited-redis-call — NOT YET IMPLEMENTED (placeholder so the registry is complete; being written).
import type { Rule } from '../rule';

export const unawaitedRedisCall: Rule = {
  code: 'AM302',
  name: 'unawaited-redis-call',
  defaultSeverity: 'error',
  fix: 'always',
  docs: { what: 'TODO', why: 'TODO', example: 'TODO', useInstead: 'TODO', limits: [] },
  check() {},
};
