// AM301 redis-keys — NOT YET IMPLEMENTED (placeholder so the registry is complete; being written).
import type { Rule } from '../rule';

export const redisKeys: Rule = {
  code: 'AM301',
  name: 'redis-keys',
  defaultSeverity: 'warning',
  fix: 'always',
  docs: { what: 'TODO', why: 'TODO', example: 'TODO', useInstead: 'TODO', limits: [] },
  check() {},
};
