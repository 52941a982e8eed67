// The membership rows of the benchmark's output: the join at 1,000 members
// against 2 s, and the cost per member at the largest size against the smallest.
import { describe, expect, it } from 'vitest';
import { membershipSummary, membershipTable } from '../../bench/report';
import type { MembershipResult } from '../../bench/scenarios/membership';

const row = (members: number, joinMs: number, removeMs: number): MembershipResult => ({
  members,
  join_ms: joinMs,
  join_seal_ms: joinMs * 0.7,
  join_fetch_ms: joinMs * 0.2,
  join_seal_cpu_ms: joinMs * 0.4,
  join_relay_cpu_ms: 30,
  join_bytes: members * 490,
  join_requests: 14,
  join_us_per_member: Math.round((joinMs * 1000) / members),
  remove_ms: removeMs,
  remove_seal_ms: removeMs * 0.8,
  remove_fetch_ms: removeMs * 0.1,
  remove_seal_cpu_ms: removeMs * 0.5,
  remove_us_per_member: Math.round((removeMs * 1000) / members),
});

describe('the membership summary', () => {
  it('reports the join at 1,000 members and the per-member cost of the largest size over the smallest', () => {
    const s = membershipSummary([row(100, 300, 200), row(500, 700, 500), row(1000, 1200, 800)]);
    expect(s).toMatchObject({ membership_join_ms: 1200, membership_join_members: 1000, membership_flatness: 0.4 });
    expect(s.membership_remove_flatness).toBe(0.4);
    const table = membershipTable([row(100, 300, 200), row(1000, 1200, 800)]).join('\n');
    expect(table).toContain(
      '| join, approval to newcomer reading, 1,000 members | 1,200.0 ms | <= 2,000 ms at 1,000 | met |',
    );
    expect(table).toContain('| join cost per member, 1,000 / 100 members | 0.40 | <= 1.5 | met |');
  });

  it('marks a slow join and a cost per member that grows faster than the group as missed', () => {
    const table = membershipTable([row(100, 100, 100), row(1000, 2500, 1600)]).join('\n');
    expect(table).toContain('| 2,500.0 ms | <= 2,000 ms at 1,000 | MISSED |');
    expect(table).toContain('| join cost per member, 1,000 / 100 members | 2.50 | <= 1.5 | MISSED |');
    expect(table).toContain('| removal cost per member, 1,000 / 100 members | 1.60 | <= 1.5 | MISSED |');
  });

  it('a run without the scenario adds no membership keys', () => {
    expect(membershipSummary([])).toEqual({});
  });
});
