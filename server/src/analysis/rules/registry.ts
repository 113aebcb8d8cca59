// The explicit, sorted rule registry. Adding a rule: one line here (see CONTRIBUTING.md).
import type { Rule } from '../rule';
import { legacyQueryInAsync } from './legacy-query-in-async';
import { legacyQuery } from './legacy-query';
import { syncSessionInAsync } from './sync-session-in-async';
import { joinedloadWithoutUnique } from './joinedload-without-unique';
import { lazyLoadInAsync } from './lazy-load-in-async';
import { uncommittedWrite } from './uncommitted-write';
import { expiredAttributeAfterCommit } from './expired-attribute-after-commit';
import { missingAwait } from './missing-await';
import { awaitOnSync } from './await-on-sync';
import { syncServiceInAsync } from './sync-service-in-async';
import { nonexistentServiceMember } from './nonexistent-service-member';
import { awaitInSyncFunction } from './await-in-sync-function';
import { twinSignatureMismatch } from './twin-signature-mismatch';
import { redisKeys } from './redis-keys';
import { unawaitedRedisCall } from './unawaited-redis-call';
import { datetimeUtcnow } from './datetime-utcnow';
import { broadExceptSwallow } from './broad-except-swallow';
import { blockingCallInAsync } from './blocking-call-in-async';
import { duplicateSyncAsyncModule } from './duplicate-sync-async-module';
import { syncEndpoint } from './sync-endpoint';

export const RULES: readonly Rule[] = [
  legacyQueryInAsync, // AM101
  legacyQuery, // AM102
  syncSessionInAsync, // AM103
  joinedloadWithoutUnique, // AM104
  lazyLoadInAsync, // AM105
  uncommittedWrite, // AM106
  expiredAttributeAfterCommit, // AM107
  missingAwait, // AM201
  awaitOnSync, // AM202
  syncServiceInAsync, // AM203
  nonexistentServiceMember, // AM204
  awaitInSyncFunction, // AM205
  twinSignatureMismatch, // AM206
  redisKeys, // AM301
  unawaitedRedisCall, // AM302
  datetimeUtcnow, // AM401
  broadExceptSwallow, // AM501
  blockingCallInAsync, // AM601
  duplicateSyncAsyncModule, // AM701
  syncEndpoint, // AM702
];

export function ruleByCode(code: string): Rule | undefined {
  return RULES.find((r) => r.code === code.toUpperCase() || r.name === code);
}
