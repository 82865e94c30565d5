import { parisDayOf, type Day } from '../../domain/shared/day.js';

/** The one place that reads the system clock; tests provide their own. */
export class Clock {
  now(): Date {
    return new Date();
  }
  today(): Day {
    return parisDayOf(this.now());
  }
}

export class FixedClock extends Clock {
  constructor(private instant: Date) {
    super();
  }
  override now(): Date {
    return new Date(this.instant);
  }
  set(instant: Date): void {
    this.instant = instant;
  }
}
