/** Why an account is suspended, in French. */
export const REASON_LABELS: Readonly<Record<string, string>> = {
  unpaid: 'impayé',
  admin: 'décision administrative',
  abuse: 'abus',
  trial_expired: 'fin d’essai',
};

/** An account's state (g2_rm_accounts.status), in French. */
export const ACCOUNT_STATUS_LABELS: Readonly<Record<string, string>> = {
  active: 'actif',
  suspended: 'suspendu',
  closed: 'fermé',
};

export const reasonLabel = (reason: string) => REASON_LABELS[reason] ?? reason;
