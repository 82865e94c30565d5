import { addressKey, ForgedLimiter } from './forged-limiter.js';

describe('ForgedLimiter', () => {
  it('keeps `max` per address in a window, says once when it starts refusing, and starts over after', () => {
    const limiter = new ForgedLimiter(3, 1000);
    const verdicts = Array.from({ length: 5 }, () => limiter.take('192.0.2.1', 0));
    expect(verdicts).toEqual(['kept', 'kept', 'kept', 'newly-limited', 'limited']);
    expect(limiter.take('192.0.2.2', 10)).toBe('kept');
    expect(limiter.take('192.0.2.1', 999)).toBe('limited');
    expect(limiter.take('192.0.2.1', 1000)).toBe('kept');
  });

  it('holds at most `maxAddresses` live windows: a new address past them is refused', () => {
    const limiter = new ForgedLimiter(5, 1000, 2);
    expect(limiter.take('192.0.2.1', 0)).toBe('kept');
    expect(limiter.take('192.0.2.2', 500)).toBe('kept');
    expect(limiter.take('192.0.2.3', 600)).toBe('limited');
    // The first window has ended: its room is taken back.
    expect(limiter.take('192.0.2.3', 1000)).toBe('kept');
  });

  it('counts an IPv6 /64 as one address, and an IPv4-mapped address as IPv4', () => {
    expect(addressKey('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:0db8:0001:0002:ffff:0:0:9')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(addressKey('192.0.2.1')).toBe('192.0.2.1');
    const limiter = new ForgedLimiter(1, 1000);
    expect(limiter.take('2001:db8:1:2::1', 0)).toBe('kept');
    expect(limiter.take('2001:db8:1:2::99', 0)).toBe('newly-limited');
  });
});
