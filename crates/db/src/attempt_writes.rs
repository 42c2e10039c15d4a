//! The exam's hot path written in sets: a batch of saves and submits (from group commit) costs
//! a handful of statements, not a few per request. On PostgreSQL each statement is a round
//! trip, and on SQLite each is a trip to the one writer's thread, so a surge of ten thousand
//! requests becomes a few dozen statements.
//!
//! Every change to an open attempt first locks the attempt's row on a condition
//! (`submitted_at IS NULL`, within the deadline and grace): on PostgreSQL that row lock orders a
//! save and a submit of the same attempt in different batches, so an answer is either graded or
//! refused, never acknowledged and then missed.

use crate::attempts::AnswerRecord;
use crate::group_commit::Apply;
use crate::{Conn, DbResult};
use futures_util::future::BoxFuture;
use sqlx::AssertSqlSafe;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// One answer as the device sent it.
#[derive(Debug, Clone)]
pub struct NewAnswer {
    pub position: i64,
    pub response: String,
    pub seq: i64,
}

/// An attempt's grades, as the grader computed them from its stored answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grades {
    pub score: i64,
    pub json: String,
    pub pending_manual: i64,
}

/// Grades an attempt from its stored answers (supplied by the exam service, which knows the
/// questions and the scoring rule).
pub type Grader = Arc<dyn Fn(&[AnswerRecord]) -> Grades + Send + Sync>;

/// A write to an attempt.
pub enum AttemptWrite {
    /// Answers saved during the attempt, arrived at `at_ms`.
    Save {
        attempt_id: i64,
        at_ms: i64,
        answers: Vec<NewAnswer>,
    },
    /// The attempt submitted (by the entrant, with the answers still on their device, or by
    /// the clock with none), and graded.
    Submit {
        attempt_id: i64,
        at_ms: i64,
        by: &'static str,
        answers: Vec<NewAnswer>,
        grader: Grader,
    },
}

impl AttemptWrite {
    fn attempt_id(&self) -> i64 {
        match self {
            AttemptWrite::Save { attempt_id, .. } | AttemptWrite::Submit { attempt_id, .. } => {
                *attempt_id
            }
        }
    }
}

/// What became of a write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttemptWritten {
    /// The answers are stored; or `false`: refused, as the attempt is submitted or out of time.
    Saved(bool),
    /// The attempt was submitted now, with these grades; or `None`: it already was.
    Submitted(Option<Grades>),
}

/// The writer of [`AttemptWrite`]s, for [`crate::group_commit::GroupCommit`].
pub struct AttemptWriter;

impl Apply for AttemptWriter {
    type Op = AttemptWrite;
    type Out = AttemptWritten;
    fn apply<'c>(
        &'c self,
        conn: &'c mut Conn,
        ops: &'c [AttemptWrite],
    ) -> BoxFuture<'c, DbResult<Vec<AttemptWritten>>> {
        Box::pin(async move {
            let mut outs: Vec<Option<AttemptWritten>> = vec![None; ops.len()];
            for round in rounds(ops) {
                apply_round(conn, ops, &round, &mut outs).await?;
            }
            Ok(outs
                .into_iter()
                .map(|o| o.unwrap_or(AttemptWritten::Saved(false)))
                .collect())
        })
    }
}

/// Splits a batch into rounds in which each attempt appears at most once, keeping the order
/// of the writes to one attempt (round k holds each attempt's k-th write).
fn rounds(ops: &[AttemptWrite]) -> Vec<Vec<usize>> {
    let mut seen: HashMap<i64, usize> = HashMap::new();
    let mut rounds: Vec<Vec<usize>> = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        let k = seen.entry(op.attempt_id()).or_insert(0);
        if rounds.len() <= *k {
            rounds.push(Vec::new());
        }
        rounds[*k].push(i);
        *k += 1;
    }
    rounds
}

async fn apply_round(
    conn: &mut Conn,
    ops: &[AttemptWrite],
    round: &[usize],
    outs: &mut [Option<AttemptWritten>],
) -> DbResult<()> {
    // 1. Claim the attempts that have answers to store (a save always claims: a refused
    //    save must say so even when it holds no answers).
    let claims: Vec<(i64, i64)> = round
        .iter()
        .filter_map(|&i| match &ops[i] {
            AttemptWrite::Save {
                attempt_id, at_ms, ..
            } => Some((*attempt_id, *at_ms)),
            AttemptWrite::Submit {
                attempt_id,
                at_ms,
                answers,
                ..
            } => (!answers.is_empty()).then_some((*attempt_id, *at_ms)),
        })
        .collect();
    let claimed = claim(conn, &claims).await?;
    // 2. Store their answers.
    let mut rows: Vec<(i64, &NewAnswer, i64)> = Vec::new();
    for &i in round {
        let (AttemptWrite::Save {
            attempt_id,
            at_ms,
            answers,
        }
        | AttemptWrite::Submit {
            attempt_id,
            at_ms,
            answers,
            ..
        }) = &ops[i];
        if claimed.contains(attempt_id) {
            rows.extend(newest_per_position(answers).map(|a| (*attempt_id, a, *at_ms)));
        }
    }
    for chunk in rows.chunks(1_000) {
        upsert_answers(conn, chunk).await?;
    }
    // 3. Submit and grade.
    let submits: Vec<(i64, i64, &'static str)> = round
        .iter()
        .filter_map(|&i| match &ops[i] {
            AttemptWrite::Submit {
                attempt_id,
                at_ms,
                by,
                ..
            } => Some((*attempt_id, *at_ms, *by)),
            AttemptWrite::Save { .. } => None,
        })
        .collect();
    let marked = mark_submitted(conn, &submits).await?;
    let mut stored = answers_of(conn, &marked).await?;
    let mut graded: HashMap<i64, Grades> = HashMap::new();
    for &i in round {
        if let AttemptWrite::Submit {
            attempt_id, grader, ..
        } = &ops[i]
            && marked.contains(attempt_id)
        {
            let answers = stored.remove(attempt_id).unwrap_or_default();
            graded.insert(*attempt_id, grader(&answers));
        }
    }
    set_grades(conn, &graded).await?;
    for &i in round {
        outs[i] = Some(match &ops[i] {
            AttemptWrite::Save { attempt_id, .. } => {
                AttemptWritten::Saved(claimed.contains(attempt_id))
            }
            AttemptWrite::Submit { attempt_id, .. } => {
                AttemptWritten::Submitted(graded.get(attempt_id).cloned())
            }
        });
    }
    Ok(())
}

/// A device may send one position twice in a request; the newest (highest seq) counts, and a
/// multi-row upsert may not touch one row twice.
fn newest_per_position(answers: &[NewAnswer]) -> impl Iterator<Item = &NewAnswer> {
    let mut newest: HashMap<i64, &NewAnswer> = HashMap::new();
    for a in answers {
        let e = newest.entry(a.position).or_insert(a);
        if a.seq > e.seq {
            *e = a;
        }
    }
    let mut list: Vec<&NewAnswer> = newest.into_values().collect();
    list.sort_by_key(|a| a.position);
    list.into_iter()
}

/// `($1, $2), ($3, $4), …` for `rows` rows of `width` values; on SQLite `(?, ?), (?, ?), …`,
/// as binding numbered parameters there looks each one up by name, which costs the square of
/// their number (the profile of a saturation run showed it first).
fn values(conn: &Conn, rows: usize, width: usize) -> String {
    let numbered = conn.backend_name() != "SQLite";
    let mut out = String::with_capacity(rows * width * 5);
    for r in 0..rows {
        if r > 0 {
            out.push_str(", ");
        }
        out.push('(');
        for c in 0..width {
            if c > 0 {
                out.push_str(", ");
            }
            if numbered {
                out.push_str(&format!("${}", r * width + c + 1));
            } else {
                out.push('?');
            }
        }
        out.push(')');
    }
    out
}

/// The attempts among `claims` (id, arrival) still open at their arrival. On PostgreSQL their
/// rows stay locked until the commit (`FOR UPDATE`: a submit of one of them waits, then sees
/// the answers); SQLite's one writer runs one batch at a time. Reading instead of updating
/// keeps a save from writing a new version of the attempt's row.
async fn claim(conn: &mut Conn, claims: &[(i64, i64)]) -> DbResult<HashSet<i64>> {
    let lock = if conn.backend_name() == "SQLite" {
        ""
    } else {
        " FOR UPDATE OF attempts"
    };
    let mut claimed = HashSet::new();
    for chunk in claims.chunks(1_000) {
        let sql = format!(
            "SELECT attempts.id FROM attempts JOIN (VALUES {}) AS v ON attempts.id = v.column1 WHERE attempts.submitted_at IS NULL AND v.column2 <= attempts.deadline_ms + attempts.grace_ms{lock}",
            values(conn, chunk.len(), 2)
        );
        let mut q = sqlx::query_scalar::<_, i64>(AssertSqlSafe(sql));
        for (id, at) in chunk {
            q = q.bind(*id).bind(*at);
        }
        claimed.extend(q.fetch_all(&mut *conn).await?);
    }
    Ok(claimed)
}

/// Stores answers unless a newer one (by the device's sequence number) is already stored.
async fn upsert_answers(conn: &mut Conn, rows: &[(i64, &NewAnswer, i64)]) -> DbResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO answers (attempt_id, position, response, client_seq, saved_at) VALUES {} ON CONFLICT (attempt_id, position) DO UPDATE SET response = excluded.response, client_seq = excluded.client_seq, saved_at = excluded.saved_at WHERE answers.client_seq < excluded.client_seq",
        values(conn, rows.len(), 5)
    );
    let mut q = sqlx::query(AssertSqlSafe(sql));
    for (attempt_id, a, at) in rows {
        q = q
            .bind(*attempt_id)
            .bind(a.position)
            .bind(a.response.clone())
            .bind(a.seq)
            .bind(*at);
    }
    q.execute(&mut *conn).await?;
    Ok(())
}

/// Marks attempts submitted; gives those that were not already.
async fn mark_submitted(
    conn: &mut Conn,
    submits: &[(i64, i64, &'static str)],
) -> DbResult<HashSet<i64>> {
    let mut marked = HashSet::new();
    for chunk in submits.chunks(1_000) {
        let sql = format!(
            "UPDATE attempts SET submitted_at = v.column2, submitted_by = v.column3 FROM (VALUES {}) AS v WHERE attempts.id = v.column1 AND attempts.submitted_at IS NULL RETURNING id",
            values(conn, chunk.len(), 3)
        );
        let mut q = sqlx::query_scalar::<_, i64>(AssertSqlSafe(sql));
        for (id, at, by) in chunk {
            q = q.bind(*id).bind(*at).bind(*by);
        }
        marked.extend(q.fetch_all(&mut *conn).await?);
    }
    Ok(marked)
}

/// The stored answers of `ids`, by attempt, each list by position.
async fn answers_of(
    conn: &mut Conn,
    ids: &HashSet<i64>,
) -> DbResult<HashMap<i64, Vec<AnswerRecord>>> {
    let mut out: HashMap<i64, Vec<AnswerRecord>> = HashMap::new();
    let ids: Vec<i64> = ids.iter().copied().collect();
    for chunk in ids.chunks(1_000) {
        let marks = values(conn, 1, chunk.len());
        let sql = format!(
            "SELECT attempt_id, position, response, client_seq, saved_at FROM answers WHERE attempt_id IN {marks} ORDER BY attempt_id, position"
        );
        let mut q = sqlx::query_as::<_, AnswerRecord>(AssertSqlSafe(sql));
        for id in chunk {
            q = q.bind(*id);
        }
        for a in q.fetch_all(&mut *conn).await? {
            out.entry(a.attempt_id).or_default().push(a);
        }
    }
    Ok(out)
}

async fn set_grades(conn: &mut Conn, graded: &HashMap<i64, Grades>) -> DbResult<()> {
    let list: Vec<(&i64, &Grades)> = graded.iter().collect();
    for chunk in list.chunks(1_000) {
        let sql = format!(
            "UPDATE attempts SET score = v.column2, grades = v.column3, pending_manual = v.column4 FROM (VALUES {}) AS v WHERE attempts.id = v.column1",
            values(conn, chunk.len(), 4)
        );
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for (id, g) in chunk {
            q = q
                .bind(**id)
                .bind(g.score)
                .bind(g.json.clone())
                .bind(g.pending_manual);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn save(id: i64) -> AttemptWrite {
        AttemptWrite::Save {
            attempt_id: id,
            at_ms: 0,
            answers: vec![],
        }
    }

    #[test]
    fn rounds_keep_each_attempt_once_and_in_order() {
        let ops = vec![save(1), save(2), save(1), save(3), save(1), save(2)];
        assert_eq!(rounds(&ops), vec![vec![0, 1, 3], vec![2, 5], vec![4]]);
    }

    #[test]
    fn the_newest_answer_per_position_counts() {
        let a = |position, seq| NewAnswer {
            position,
            response: format!("{seq}"),
            seq,
        };
        let list = [a(2, 5), a(1, 3), a(2, 7), a(2, 6)];
        let kept: Vec<(i64, i64)> = newest_per_position(&list)
            .map(|a| (a.position, a.seq))
            .collect();
        assert_eq!(kept, vec![(1, 3), (2, 7)]);
    }
}
