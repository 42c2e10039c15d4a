//! One achievement's record with everything its page lists (makers, awards, files), read in
//! one statement, alone or many at once.

use super::{AchievementView, AwardView, FileView, MakerView, VIEW};
use crate::{Conn, DbResult};
use sqlx::{AssertSqlSafe, FromRow, Row};

/// What a record's page lists besides the record: its makers, awards and files.
#[derive(Debug, Clone, Default)]
pub struct RecordLists {
    pub people: Vec<MakerView>,
    pub awards: Vec<AwardView>,
    pub files: Vec<FileView>,
}

/// A row of a record's lists: which list, its order, two numbers and three texts.
type ListRow = (i64, i64, i64, i64, i64, String, String, String);

/// The makers, awards and files of the achievement `a`, as rows of `ListRow`.
const LIST_ROWS: &str = "SELECT CAST(1 AS BIGINT) AS part, m.position AS ord, CAST(0 AS BIGINT) AS tie, m.person_id AS n1, CAST(0 AS BIGINT) AS n2, p.name AS t1, u.name AS t2, CAST('' AS TEXT) AS t3 FROM achievement_people m JOIN people p ON p.id = m.person_id JOIN units u ON u.id = p.unit_id WHERE m.achievement_id = a.id \
     UNION ALL SELECT CAST(2 AS BIGINT), -year, id, id, year, name, tier, granted_by FROM awards WHERE achievement_id = a.id \
     UNION ALL SELECT CAST(3 AS BIGINT), position, id, id, size, kind, name, content_type FROM achievement_files WHERE achievement_id = a.id";

/// An achievement with its makers, awards and files, in one round trip: a record's page is
/// rendered many times a second under load, and on PostgreSQL each trip waits for a database
/// process to be scheduled. The lists come as one JSON text, built by each backend's own JSON
/// functions.
pub async fn record(conn: &mut Conn, id: i64) -> DbResult<Option<(AchievementView, RecordLists)>> {
    Ok(records(conn, &[id]).await?.pop().map(|(_, record)| record))
}

/// Several achievements with their lists in one statement (see [`record`]), for reads batched
/// under load ([`crate::batched_reads`]); those that do not exist are left out. The ids are
/// bound as one text, so that the statement is the same, and prepared once, for any number.
pub async fn records(
    conn: &mut Conn,
    ids: &[i64],
) -> DbResult<Vec<(i64, (AchievementView, RecordLists))>> {
    let listed = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let (lists, wanted, bound) = if conn.backend_name() == "SQLite" {
        (
            "(SELECT json_group_array(json_array(part, ord, tie, n1, n2, t1, t2, t3)) FROM (LIST_ROWS) AS l)",
            "a.id IN (SELECT value FROM json_each($1))",
            format!("[{listed}]"),
        )
    } else {
        (
            "(SELECT CAST(COALESCE(json_agg(json_build_array(part, ord, tie, n1, n2, t1, t2, t3)), '[]') AS TEXT) FROM (LIST_ROWS) AS l)",
            "a.id = ANY(CAST($1 AS BIGINT[]))",
            format!("{{{listed}}}"),
        )
    };
    let sql = VIEW.replacen(
        " FROM achievements a ",
        &format!(
            ", {} AS lists FROM achievements a ",
            lists.replace("LIST_ROWS", LIST_ROWS)
        ),
        1,
    );
    let rows = sqlx::query(AssertSqlSafe(format!("{sql} WHERE {wanted}")))
        .bind(bound)
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|row| {
            let view = AchievementView::from_row(row)?;
            let json: String = row.try_get("lists")?;
            let lists = record_lists(view.id, &json)?;
            Ok((view.id, (view, lists)))
        })
        .collect()
}

/// The makers, awards and files of achievement `id`, from the rows of [`LIST_ROWS`] as JSON.
fn record_lists(id: i64, json: &str) -> DbResult<RecordLists> {
    let mut rows: Vec<ListRow> =
        serde_json::from_str(json).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    rows.sort_by_key(|r| (r.0, r.1, r.2));
    let mut lists = RecordLists::default();
    for (part, order, _, n1, n2, t1, t2, t3) in rows {
        match part {
            1 => lists.people.push(MakerView {
                person_id: n1,
                name: t1,
                unit_name: t2,
            }),
            2 => lists.awards.push(AwardView {
                id: n1,
                achievement_id: id,
                name: t1,
                tier: t2,
                granted_by: t3,
                year: -order,
            }),
            _ => lists.files.push(FileView {
                id: n1,
                achievement_id: id,
                kind: t1,
                name: t2,
                content_type: t3,
                size: n2,
            }),
        }
    }
    Ok(lists)
}

/// Reads records for [`crate::batched_reads::BatchedReads`].
pub struct RecordReads;

impl crate::batched_reads::Fetch for RecordReads {
    type Key = i64;
    type Row = (AchievementView, RecordLists);
    fn fetch<'c>(
        &'c self,
        conn: &'c mut Conn,
        ids: &'c [i64],
    ) -> crate::batched_reads::Found<'c, i64, Self::Row> {
        Box::pin(records(conn, ids))
    }
}
