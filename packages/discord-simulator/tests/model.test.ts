import { describe, expect, it } from 'vitest';
import { ManualClock } from '../src/clock.js';
import { compileRoute } from '../src/faults.js';
import { ALL_PERMISSIONS, Permission, channelPermissions, type PermissionSubject } from '../src/permissions.js';
import { SnowflakeGenerator, shardOf, snowflakeTime } from '../src/snowflake.js';

const guildId = '1000';
const subject = (o: Partial<PermissionSubject> = {}): PermissionSubject => ({
  guildId,
  ownerId: '1',
  userId: '2',
  everyonePermissions: Permission.ViewChannel | Permission.SendMessages,
  rolePermissions: [{ id: 'r1', permissions: Permission.EmbedLinks }],
  ...o,
});

describe('channel permissions, computed like Discord', () => {
  it('applies @everyone, then roles together, then the member overwrite', () => {
    const perms = channelPermissions(subject(), [
      { id: guildId, type: 0, allow: 0n, deny: Permission.SendMessages },
      { id: 'r1', type: 0, allow: Permission.SendMessages, deny: 0n },
      { id: '2', type: 1, allow: 0n, deny: Permission.EmbedLinks },
    ]);
    expect(perms & Permission.SendMessages).toBe(Permission.SendMessages);
    expect(perms & Permission.EmbedLinks).toBe(0n);
  });

  it('without ViewChannel nothing is left; without SendMessages embeds and files go too', () => {
    expect(channelPermissions(subject(), [{ id: guildId, type: 0, allow: 0n, deny: Permission.ViewChannel }])).toBe(0n);
    const mute = channelPermissions(subject({ everyonePermissions: Permission.ViewChannel | Permission.SendMessages | Permission.AttachFiles }), [
      { id: guildId, type: 0, allow: 0n, deny: Permission.SendMessages },
    ]);
    expect(mute & (Permission.AttachFiles | Permission.EmbedLinks)).toBe(0n);
  });

  it('the owner and Administrator ignore overwrites', () => {
    const deny = [{ id: guildId, type: 0 as const, allow: 0n, deny: Permission.ViewChannel }];
    expect(channelPermissions(subject({ userId: '1' }), deny)).toBe(ALL_PERMISSIONS);
    expect(channelPermissions(subject({ rolePermissions: [{ id: 'r1', permissions: Permission.Administrator }] }), deny)).toBe(ALL_PERMISSIONS);
  });
});

describe('snowflakes', () => {
  it('carry the clock time and keep increasing when the clock stands still', () => {
    const clock = new ManualClock(new Date('2025-01-01T00:00:00Z'));
    const ids = new SnowflakeGenerator(clock);
    const a = ids.next();
    const b = ids.next();
    expect(BigInt(b) > BigInt(a)).toBe(true);
    expect(snowflakeTime(a)).toBe(Date.parse('2025-01-01T00:00:00Z'));
  });

  it('spread ids over shards, or pin one to a shard', () => {
    const ids = new SnowflakeGenerator(new ManualClock(0));
    const spread = [ids.nextSpread(), ids.nextSpread(), ids.nextSpread(), ids.nextSpread()].map((id) => shardOf(id, 2));
    expect(new Set(spread)).toEqual(new Set([0, 1]));
    expect(shardOf(ids.nextSpread({ shardId: 3, shardCount: 4 }), 4)).toBe(3);
  });
});

describe('fault route matchers', () => {
  it('match placeholders on one path segment, or a RegExp', () => {
    const m = compileRoute('/channels/:id/messages');
    expect(m('/channels/123/messages')).toBe(true);
    expect(m('/channels/123/messages/456')).toBe(false);
    expect(compileRoute('/webhooks/{app}/{token}')('/webhooks/1/abc')).toBe(true);
    expect(compileRoute(/messages/)('/channels/1/messages/2')).toBe(true);
  });
});
