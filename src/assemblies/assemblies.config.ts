import {
  defaultAssemblyRules,
  formatFraction,
  parseFraction,
  type AssemblyRules,
} from '../../domain/assemblies/rules.js';
import type { Fraction } from '../../domain/assemblies/events.js';

/**
 * The general assembly settings the statutes fix (README "General assemblies"), read once at
 * start-up and copied into each assembly when it is convened:
 * AG_PROXY_CAP (named proxies one present member may hold, default 2),
 * AG_QUORUM_ORDINARY_FIRST (1/5), AG_QUORUM_ORDINARY_SECOND (0: none),
 * AG_QUORUM_EXTRAORDINARY_FIRST (1/4), AG_QUORUM_EXTRAORDINARY_SECOND (1/5),
 * AG_MAJORITY_EXTRAORDINARY (2/3 of votes cast, at least).
 */
export const ASSEMBLY_RULES = Symbol('ASSEMBLY_RULES');

function fraction(name: string, value: string | undefined, fallback: Fraction | null) {
  if (value === undefined || value.trim() === '') return fallback;
  try {
    return parseFraction(value);
  } catch (error) {
    throw new Error(`${name} must be a fraction like 1/5, or 0 for none (got ${value})`, {
      cause: error,
    });
  }
}

export function loadAssemblyRules(env: NodeJS.ProcessEnv = process.env): AssemblyRules {
  const d = defaultAssemblyRules;
  const capText = env.AG_PROXY_CAP?.trim() ?? '';
  const proxyCap = capText === '' ? d.proxyCap : Number(capText);
  if (!Number.isInteger(proxyCap) || proxyCap < 0 || proxyCap > 1000) {
    throw new Error(`AG_PROXY_CAP must be an integer between 0 and 1000 (got ${capText})`);
  }
  const majority = fraction(
    'AG_MAJORITY_EXTRAORDINARY',
    env.AG_MAJORITY_EXTRAORDINARY,
    d.extraordinaryMajority,
  );
  // Below a half, a resolution and its contrary could both pass.
  if (!majority || majority.num * 2 < majority.den) {
    throw new Error(
      `AG_MAJORITY_EXTRAORDINARY must be at least 1/2 (got ${majority ? formatFraction(majority) : '0'})`,
    );
  }
  return {
    proxyCap,
    quorum: {
      ordinary: [
        fraction('AG_QUORUM_ORDINARY_FIRST', env.AG_QUORUM_ORDINARY_FIRST, d.quorum.ordinary[0]),
        fraction('AG_QUORUM_ORDINARY_SECOND', env.AG_QUORUM_ORDINARY_SECOND, d.quorum.ordinary[1]),
      ],
      extraordinary: [
        fraction(
          'AG_QUORUM_EXTRAORDINARY_FIRST',
          env.AG_QUORUM_EXTRAORDINARY_FIRST,
          d.quorum.extraordinary[0],
        ),
        fraction(
          'AG_QUORUM_EXTRAORDINARY_SECOND',
          env.AG_QUORUM_EXTRAORDINARY_SECOND,
          d.quorum.extraordinary[1],
        ),
      ],
    },
    extraordinaryMajority: majority,
  };
}
