//! A judge's first score on the quick path, written through group commit with every check that
//! can change in its `WHERE` (the panel open, the judge seated, the entrant on the panel, no
//! conflict declared, the criterion the round's and the points within its maximum), a batch
//! of them in one statement.

use crate::group_commit::Apply;
use crate::{Conn, DbResult};
use futures_util::future::BoxFuture;
use gongjiang_domain::review::Points;
use sqlx::AssertSqlSafe;
use std::collections::HashSet;

/// A first score for an (entry, judge, criterion).
#[derive(Debug, Clone)]
pub struct NewScore {
    pub panel_id: i64,
    pub entry_id: i64,
    pub user_id: i64,
    pub criterion_id: i64,
    pub points: Points,
    pub at_ms: i64,
}

/// The writer of [`NewScore`]s for [`crate::group_commit::GroupCommit`]: each is stored only
/// when all the checks above hold and no score is there yet; its outcome says whether it was
/// stored.
pub struct ScoreWriter;

/// How many scores one statement writes (six values each).
const CHUNK: usize = 100;

impl Apply for ScoreWriter {
    type Op = NewScore;
    type Out = bool;
    fn apply<'c>(
        &'c self,
        conn: &'c mut Conn,
        ops: &'c [NewScore],
    ) -> BoxFuture<'c, DbResult<Vec<bool>>> {
        Box::pin(async move {
            let mut stored = vec![false; ops.len()];
            // A second save of the same score in one batch is not written with the first: it
            // is refused here and answered by the careful path (the same value, or not).
            for chunk in first_of_each(ops).chunks(CHUNK) {
                let written = insert_set(conn, ops, chunk).await?;
                for &i in chunk {
                    stored[i] = written.contains(&ops[i].key());
                }
            }
            Ok(stored)
        })
    }
}

/// The positions of the first save of each score in a batch.
fn first_of_each(ops: &[NewScore]) -> Vec<usize> {
    let mut seen = HashSet::new();
    (0..ops.len())
        .filter(|&i| seen.insert(ops[i].key()))
        .collect()
}

impl NewScore {
    fn key(&self) -> (i64, i64, i64) {
        (self.entry_id, self.user_id, self.criterion_id)
    }
}

/// One statement for a set of new scores; the keys of those written.
async fn insert_set(
    conn: &mut Conn,
    ops: &[NewScore],
    chunk: &[usize],
) -> DbResult<HashSet<(i64, i64, i64)>> {
    let rows: Vec<String> = (0..chunk.len())
        .map(|k| {
            let b = k * 6;
            format!(
                "(${}, ${}, ${}, ${}, ${}, ${})",
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5,
                b + 6
            )
        })
        .collect();
    // VALUES columns are column1… on both backends: entry, judge, criterion, points, time,
    // panel.
    let sql = format!(
        "INSERT INTO scores (entry_id, user_id, criterion_id, points, saved_at) \
         SELECT v.column1, v.column2, v.column3, v.column4, v.column5 FROM (VALUES {}) AS v \
         WHERE EXISTS (SELECT 1 FROM panels p \
             JOIN panel_judges j ON j.panel_id = p.id AND j.user_id = v.column2 \
             JOIN entries e ON e.panel_id = p.id AND e.id = v.column1 AND e.stage = 'approved' \
             JOIN criteria c ON c.id = v.column3 AND c.round_id = p.round_id AND c.max_points >= v.column4 \
             WHERE p.id = v.column6 AND p.closed_at IS NULL) \
         AND NOT EXISTS (SELECT 1 FROM declared_conflicts d WHERE d.entry_id = v.column1 AND d.user_id = v.column2) \
         ON CONFLICT (entry_id, user_id, criterion_id) DO NOTHING \
         RETURNING entry_id, user_id, criterion_id",
        rows.join(", ")
    );
    let mut query = sqlx::query_as::<_, (i64, i64, i64)>(AssertSqlSafe(sql));
    for &i in chunk {
        let op = &ops[i];
        query = query
            .bind(op.entry_id)
            .bind(op.user_id)
            .bind(op.criterion_id)
            .bind(op.points.0)
            .bind(op.at_ms)
            .bind(op.panel_id);
    }
    Ok(query.fetch_all(conn).await?.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(entry_id: i64, user_id: i64, criterion_id: i64, points: i64) -> NewScore {
        NewScore {
            panel_id: 1,
            entry_id,
            user_id,
            criterion_id,
            points: Points(points),
            at_ms: 0,
        }
    }

    #[test]
    fn a_second_save_of_the_same_score_in_a_batch_is_left_to_the_careful_path() {
        let ops = [
            score(1, 7, 3, 10_000),
            score(1, 7, 4, 10_000),
            score(1, 7, 3, 12_000),
            score(2, 7, 3, 10_000),
            score(1, 8, 3, 10_000),
        ];
        assert_eq!(first_of_each(&ops), vec![0, 1, 3, 4]);
    }
}
