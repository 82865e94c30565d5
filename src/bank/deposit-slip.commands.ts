import type { CancelDepositSlip, IssueDepositSlip } from '../../domain/bank/deposit-slips.js';

/** Builds a slip from chosen cheques, or from every pending cheque received on `receivedOn`. */
export class IssueDepositSlipCommand {
  constructor(
    readonly input: Partial<IssueDepositSlip> & { receivedOn?: string },
    readonly actor: string,
    readonly idempotencyKey?: string,
  ) {}
}

export class CancelDepositSlipCommand {
  constructor(
    readonly input: CancelDepositSlip,
    readonly actor: string,
    readonly idempotencyKey?: string,
  ) {}
}

export interface DepositSlipResult {
  slipId: string;
  number: number;
  depositOn: string;
  chequeCount: number;
  total: string;
  status: 'active' | 'cancelled';
}
