import {
  defaultAssemblyRules,
  formatFraction,
  parseFraction,
  type AssemblyRules,
} from '../../../domain/assemblies/rules.js';
import type { Fraction } from '../../../domain/assemblies/events.js';
import { ConfigError, int, raw, type Env } from './parse.js';

/**
 * The general assembly settings the statutes fix (docs/configuration.md "General assemblies"), read once at
 * start-up and copied into each assembly when it is convened:
 * AG_PROXY_CAP (named proxies one present member may hold, default 2),
 * AG_QUORUM_ORDINARY_FIRST (1/5), AG_QUORUM_ORDINARY_SECOND (0: none),
 * AG_QUORUM_EXTRAORDINARY_FIRST (1/4), AG_QUORUM_EXTRAORDINARY_SECOND (1/5),
 * AG_MAJORITY_EXTRAORDINARY (2/3 of votes cast, at least),
 * AG_NOTICE_DAYS_ORDINARY (15), AG_NOTICE_DAYS_EXTRAORDINARY (15), AG_NOTICE_DAYS_SECOND_CALL (10):
 * days of notice between convening and the meeting; AG_POSTAL_DAYS_BEFORE (3): postal votes
 * arrive at least that many days before the meeting.
 */
export const ASSEMBLY_RULES = Symbol('ASSEMBLY_RULES');

function fraction(env: Env, name: string, fallback: Fraction | null): Fraction | null {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  try {
    return parseFraction(value);
  } catch (error) {
    throw new ConfigError(name, `must be a fraction like 1/5, or 0 for none (got ${value})`, {
      cause: error,
    });
  }
}

export function loadAssemblyRules(env: Env): AssemblyRules {
  const d = defaultAssemblyRules;
  const majority = fraction(env, 'AG_MAJORITY_EXTRAORDINARY', d.extraordinaryMajority);
  // Below a half, a resolution and its contrary could both pass.
  if (!majority || majority.num * 2 < majority.den) {
    throw new ConfigError(
      'AG_MAJORITY_EXTRAORDINARY',
      `must be at least 1/2 (got ${majority ? formatFraction(majority) : '0'})`,
    );
  }
  return {
    proxyCap: int(env, 'AG_PROXY_CAP', d.proxyCap, 0, 1000),
    noticeDays: {
      ordinary: int(env, 'AG_NOTICE_DAYS_ORDINARY', d.noticeDays.ordinary, 0, 365),
      extraordinary: int(env, 'AG_NOTICE_DAYS_EXTRAORDINARY', d.noticeDays.extraordinary, 0, 365),
      secondCall: int(env, 'AG_NOTICE_DAYS_SECOND_CALL', d.noticeDays.secondCall, 0, 365),
    },
    postalDaysBefore: int(env, 'AG_POSTAL_DAYS_BEFORE', d.postalDaysBefore, 0, 60),
    quorum: {
      ordinary: [
        fraction(env, 'AG_QUORUM_ORDINARY_FIRST', d.quorum.ordinary[0]),
        fraction(env, 'AG_QUORUM_ORDINARY_SECOND', d.quorum.ordinary[1]),
      ],
      extraordinary: [
        fraction(env, 'AG_QUORUM_EXTRAORDINARY_FIRST', d.quorum.extraordinary[0]),
        fraction(env, 'AG_QUORUM_EXTRAORDINARY_SECOND', d.quorum.extraordinary[1]),
      ],
    },
    extraordinaryMajority: majority,
  };
}
