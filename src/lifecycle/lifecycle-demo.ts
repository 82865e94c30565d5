import type { CommandBus } from '@nestjs/cqrs';
import { addDays } from '../../domain/shared/day.js';
import type { Clock } from '../kernel/clock.js';
import { OpenAccountCommand, type AccountCommandResult } from './account.commands.js';
import type { LifecycleService } from './lifecycle.service.js';

/**
 * Demo: the fourth demo hosting account signed up a week ago (a trial ending in 23 days,
 * as sign-up records it), then today's lifecycle run, so the outbox and the account lists have
 * something to show on the first start.
 */
export async function seedDemoLifecycle(
  commands: CommandBus,
  clock: Clock,
  lifecycle: LifecycleService,
): Promise<void> {
  const today = clock.today();
  await commands.execute<OpenAccountCommand, AccountCommandResult>(
    new OpenAccountCommand(
      '4',
      {
        customerId: '4',
        name: 'jdupont',
        openedOn: addDays(today, -7),
        trialEndsOn: addDays(today, 23),
      },
      'demo',
    ),
  );
  await lifecycle.run(today);
}
