import { accountStream } from '../../domain/accounts/events.js';
import { addDays } from '../../domain/shared/day.js';
import type { Clock } from '../kernel/clock.js';
import type { CommandPipeline } from '../kernel/event-store/command-pipeline.js';
import type { LifecycleService } from './lifecycle.service.js';

/**
 * Demo: the fourth demo hosting account signed up a week ago (a trial ending in 23 days,
 * as sign-up records it), then today's lifecycle run, so the outbox and the account lists have
 * something to show on the first start.
 */
export async function seedDemoLifecycle(
  pipeline: CommandPipeline,
  clock: Clock,
  lifecycle: LifecycleService,
): Promise<void> {
  const today = clock.today();
  await pipeline.execute({
    commandType: 'DemoSignUp',
    actor: 'demo',
    now: clock.now(),
    request: {},
    decide: async () => ({
      appends: [
        {
          streamId: accountStream('4'),
          expectedVersion: -1,
          events: [
            {
              type: 'AccountOpened',
              data: {
                accountId: '4',
                customerId: '4',
                name: 'jdupont',
                openedOn: addDays(today, -7),
                trialEndsOn: addDays(today, 23),
              },
            },
          ],
        },
      ],
      result: null,
    }),
  });
  await lifecycle.run(today);
}
