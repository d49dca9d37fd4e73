-- The floor of bench/ranking_bench.py: every aggregate behind the monthly ranking (metrics.md sections 3-9)
-- for all coaches, in one hand-written PostgreSQL statement. The bench checks (--compare) that each figure
-- equals the ranking's own. Parameters (psycopg, naive UTC timestamps and integers):
--   m_start, m_end       the month [m_start, m_end)
--   t                    the instant T; t_us, m_start_us, upper_us the same in microseconds (upper = min(m_end, T))
--   first_day, last_day  the days of the month finished by T (Client Success); money_last_day the last day
--                        whose 00:00 is before T (profits)
--   new_months, new_weight, sla_us, target_us   the settings
WITH
coaches AS (
    SELECT id, external_id FROM users WHERE role = 'coach'
),
-- Section 4: coach messages of the month, and those with a standing Yellow (counted from the audits side).
answered AS (
    SELECT author_id AS coach_id, count(*) AS answered
    FROM messages WHERE sent_at >= %(m_start)s AND sent_at < LEAST(%(m_end)s, %(t)s)
    GROUP BY author_id
),
needs_improvement AS (
    SELECT m.author_id AS coach_id, count(DISTINCT m.id) AS ni
    FROM audits a JOIN messages m ON m.id = a.message_id
    WHERE a.color = 'yellow' AND a.at < %(t)s
      AND NOT COALESCE(a.resolution = 'overturned' AND a.resolved_at < %(t)s, false)
      AND m.sent_at >= %(m_start)s AND m.sent_at < LEAST(%(m_end)s, %(t)s)
    GROUP BY m.author_id
),
-- Section 3: waits starting in the month before T; an open one is coach_at(client, wait_start)'s.
samples AS (
    SELECT coach_id, count(*) AS samples, count(*) FILTER (WHERE d > %(sla_us)s) AS breaches,
           count(*) FILTER (WHERE d <= %(target_us)s) AS met_target, sum(d) AS total_us
    FROM (SELECT CASE WHEN w.reply_us < %(t_us)s THEN w.replied_by_id ELSE a.coach_id END AS coach_id,
                 CASE WHEN w.reply_us < %(t_us)s THEN w.reply_us - w.start_us ELSE %(t_us)s - w.start_us END AS d
          FROM response_waits w
          LEFT JOIN assignments a ON a.client_id = w.client_id AND a.starts_at <= w.wait_start
                                 AND (a.ends_at IS NULL OR a.ends_at > w.wait_start)
          WHERE w.start_us >= %(m_start_us)s AND w.start_us < %(upper_us)s) s
    GROUP BY coach_id
),
-- Section 5: each assignment's run lo..hi of counted days; weights in closed form, hits from the month's goals.
runs AS (
    SELECT a.coach_id, a.client_id, u.joined_on,
           CASE WHEN a.starts_at <= %(first_day)s::timestamp THEN extract(day FROM %(first_day)s::date)::int
                ELSE extract(day FROM a.starts_at)::int + (a.starts_at > date_trunc('day', a.starts_at))::int END AS lo,
           CASE WHEN a.ends_at IS NULL OR a.ends_at > %(last_day)s::timestamp THEN extract(day FROM %(last_day)s::date)::int
                ELSE extract(day FROM a.ends_at)::int - 1 + (a.ends_at > date_trunc('day', a.ends_at))::int END AS hi,
           (extract(year FROM %(first_day)s::date)::int - extract(year FROM u.joined_on)::int) * 12
             + extract(month FROM %(first_day)s::date)::int - extract(month FROM u.joined_on)::int AS base,
           extract(day FROM u.joined_on)::int AS jd
    FROM assignments a JOIN users u ON u.id = a.client_id
    WHERE a.starts_at <= %(last_day)s::timestamp AND (a.ends_at IS NULL OR a.ends_at > %(first_day)s::timestamp)
),
spans AS (
    SELECT coach_id, client_id, lo, hi,
           -- the first day of the month on which the client is no longer new (1: never new, 32: new all month)
           CASE WHEN base < %(new_months)s THEN 32 WHEN base = %(new_months)s THEN jd ELSE 1 END AS settled
    FROM runs WHERE lo <= hi
),
success AS (
    SELECT coach_id, sum(total) AS success_total, sum(hits) AS success_hits
    FROM (SELECT coach_id, (hi - lo + 1) + (%(new_weight)s - 1) * GREATEST(0, LEAST(hi + 1, settled) - lo) AS total,
                 0 AS hits
          FROM spans
          UNION ALL
          SELECT s.coach_id, 0, CASE WHEN extract(day FROM g.date)::int < s.settled THEN %(new_weight)s ELSE 1 END
          FROM daily_goals g JOIN spans s ON s.client_id = g.client_id
           AND extract(day FROM g.date)::int BETWEEN s.lo AND s.hi
          WHERE g.date BETWEEN %(first_day)s::date AND %(last_day)s::date AND g.hit) parts
    GROUP BY coach_id
),
-- Section 6: surveys in the month before T, coach_at(client, at), weighted by tenure on date(at).
happiness AS (
    SELECT coach_id, sum(w) AS happy_total, sum(w) FILTER (WHERE score >= 9) AS promoters,
           sum(w) FILTER (WHERE score <= 6) AS detractors
    FROM (SELECT a.coach_id, s.score,
                 CASE WHEN (extract(year FROM s.at)::int - extract(year FROM u.joined_on)::int) * 12
                           + extract(month FROM s.at)::int - extract(month FROM u.joined_on)::int
                           - (extract(day FROM s.at) < extract(day FROM u.joined_on))::int < %(new_months)s
                      THEN %(new_weight)s ELSE 1 END AS w
          FROM survey_responses s
          JOIN assignments a ON a.client_id = s.client_id AND a.starts_at <= s.at AND (a.ends_at IS NULL OR a.ends_at > s.at)
          JOIN users u ON u.id = s.client_id
          WHERE s.at >= %(m_start)s AND s.at < LEAST(%(m_end)s, %(t)s)) x
    GROUP BY coach_id
),
-- Section 8: profit records dated in the month (day started before T), coach_on(client, date), rate by tenure.
money AS (
    SELECT coach_id, sum(amount * rate) FILTER (WHERE kind = 'profit') AS profit_total,
           sum(amount * rate) FILTER (WHERE kind = 'ad_credit') AS ad_credit_total
    FROM (SELECT a.coach_id, p.kind, p.amount,
                 CASE WHEN tenure < 6 THEN 1000 WHEN tenure < 12 THEN 300 WHEN tenure < 24 THEN 150 ELSE 75 END AS rate
          FROM (SELECT p.*, (extract(year FROM p.date)::int - extract(year FROM u.joined_on)::int) * 12
                            + extract(month FROM p.date)::int - extract(month FROM u.joined_on)::int
                            - (extract(day FROM p.date) < extract(day FROM u.joined_on))::int AS tenure
                FROM profit_records p JOIN users u ON u.id = p.client_id
                WHERE p.date BETWEEN %(m_start)s::date AND %(money_last_day)s::date) p
          JOIN assignments a ON a.client_id = p.client_id AND a.starts_at <= p.date::timestamp
                             AND (a.ends_at IS NULL OR a.ends_at > p.date::timestamp)) x
    GROUP BY coach_id
),
-- Section 9: decisions in the month before T; approvals overturned by someone else's later reject before T.
moderation AS (
    SELECT d.moderator_id AS coach_id, count(*) AS moderated,
           count(*) FILTER (WHERE d.decision = 'approve' AND EXISTS (
               SELECT 1 FROM moderation_decisions r
               WHERE r.listing_id = d.listing_id AND r.decision = 'reject' AND r.moderator_id <> d.moderator_id
                 AND r.at > d.at AND r.at < %(t)s)) AS overturned
    FROM moderation_decisions d
    WHERE d.at >= %(m_start)s AND d.at < LEAST(%(m_end)s, %(t)s)
    GROUP BY d.moderator_id
),
assigned AS (
    SELECT DISTINCT coach_id FROM assignments
    WHERE starts_at < LEAST(%(m_end)s, %(t)s) AND (ends_at IS NULL OR ends_at > %(m_start)s)
)
SELECT c.id AS coach_id, c.external_id AS coach,
       COALESCE(q.answered, 0) AS answered, COALESCE(ni.ni, 0) AS needs_improvement,
       COALESCE(s.samples, 0) AS samples, COALESCE(s.breaches, 0) AS breaches,
       COALESCE(s.met_target, 0) AS met_target, s.total_us,
       COALESCE(cs.success_total, 0) AS success_weight_total, COALESCE(cs.success_hits, 0) AS success_weight_hits,
       COALESCE(h.happy_total, 0) AS happiness_weight_total, COALESCE(h.promoters, 0) AS happiness_promoters,
       COALESCE(h.detractors, 0) AS happiness_detractors,
       COALESCE(mo.profit_total, 0) AS profit_total, COALESCE(mo.ad_credit_total, 0) AS ad_credit_total,
       COALESCE(md.moderated, 0) AS moderated, COALESCE(md.overturned, 0) AS approved_later_rejected
FROM coaches c
LEFT JOIN answered q ON q.coach_id = c.id
LEFT JOIN needs_improvement ni ON ni.coach_id = c.id
LEFT JOIN samples s ON s.coach_id = c.id
LEFT JOIN success cs ON cs.coach_id = c.id
LEFT JOIN happiness h ON h.coach_id = c.id
LEFT JOIN money mo ON mo.coach_id = c.id
LEFT JOIN moderation md ON md.coach_id = c.id
WHERE q.coach_id IS NOT NULL OR s.coach_id IS NOT NULL OR md.coach_id IS NOT NULL
   OR c.id IN (SELECT coach_id FROM assigned)
ORDER BY c.external_id
