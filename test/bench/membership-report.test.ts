// The membership rows of the benchmark's output: the join at 1,000 members
// against 2 s, and the cost per member at 1,000 and 5,000 members against 100.
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
    expect(table).toContain(
      '| join cost per member flat from 100 to 1,000 (1,000 / 100 members) | 0.40 | <= 1.5 | met |',
    );
  });

  it('reports the per-member cost at 1,000 and at 5,000 members over 100, and judges flatness at 5,000', () => {
    const rows = [row(100, 300, 200), row(500, 700, 500), row(1000, 1200, 800), row(5000, 7500, 3500)];
    const s = membershipSummary(rows);
    expect(s).toMatchObject({
      membership_join_ms: 1200,
      membership_flatness: 0.5,
      membership_flatness_1000: 0.4,
      membership_remove_flatness_1000: 0.4,
      membership_flatness_1000_members: 1000,
      membership_flatness_1000_base_members: 100,
      membership_flatness_5000: 0.5,
      membership_remove_flatness_5000: 0.35,
      membership_flatness_5000_members: 5000,
      membership_flatness_5000_base_members: 100,
    });
    const table = membershipTable(rows).join('\n');
    expect(table).toContain(
      '| join cost per member flat from 100 to 5,000 (5,000 / 100 members) | 0.50 | <= 1.5 | met |',
    );
    expect(table).toContain(
      '| removal cost per member flat from 100 to 5,000 (5,000 / 100 members) | 0.35 | <= 1.5 | met |',
    );
    const grows = membershipTable([row(100, 300, 200), row(1000, 1200, 800), row(5000, 30_000, 4000)]).join('\n');
    expect(grows).toContain(
      '| join cost per member flat from 100 to 5,000 (5,000 / 100 members) | 2.00 | <= 1.5 | MISSED |',
    );
  });

  it('a quick run (20 and 100 members) still reports every ratio key, comparing its largest size with its smallest', () => {
    const s = membershipSummary([row(20, 100, 80), row(100, 300, 200)]);
    expect(s).toMatchObject({
      membership_flatness_1000: 0.6,
      membership_flatness_1000_members: 100,
      membership_flatness_1000_base_members: 20,
      membership_flatness_5000: 0.6,
      membership_remove_flatness_5000: 0.5,
    });
  });

  it('marks a slow join and a cost per member that grows faster than the group as missed', () => {
    const table = membershipTable([row(100, 100, 100), row(1000, 2500, 1600)]).join('\n');
    expect(table).toContain('| 2,500.0 ms | <= 2,000 ms at 1,000 | MISSED |');
    expect(table).toContain(
      '| join cost per member flat from 100 to 1,000 (1,000 / 100 members) | 2.50 | <= 1.5 | MISSED |',
    );
    expect(table).toContain(
      '| removal cost per member flat from 100 to 1,000 (1,000 / 100 members) | 1.60 | <= 1.5 | MISSED |',
    );
  });

  it('a run without the scenario adds no membership keys', () => {
    expect(membershipSummary([])).toEqual({});
  });
});
