//! People, with the unit they belong to.

use crate::{Conn, DbResult, Page, like_contains, like_prefix};
use gongjiang_domain::person::NewPerson;
use gongjiang_domain::unit::UnitPath;
use serde::Serialize;
use sqlx::AssertSqlSafe;

/// A person as lists and pages show them: with their unit and whether they have an account.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct PersonView {
    pub id: i64,
    pub unit_id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub unit_path: String,
    pub name: String,
    pub employee_no: String,
    pub gender: String,
    pub phone: String,
    pub email: String,
    pub trade: String,
    pub post: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub user_id: Option<i64>,
    pub username: Option<String>,
}

const VIEW: &str = "SELECT p.id, p.unit_id, u.code AS unit_code, u.name AS unit_name, u.path AS unit_path, p.name, p.employee_no, p.gender, p.phone, p.email, p.trade, p.post, p.created_at, p.updated_at, a.id AS user_id, a.username FROM people p JOIN units u ON u.id = p.unit_id LEFT JOIN users a ON a.person_id = p.id";

pub async fn insert(
    conn: &mut Conn,
    person: &NewPerson,
    employee_no: &str,
    now: i64,
) -> DbResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO people (unit_id, name, employee_no, gender, phone, email, trade, post, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
    )
    .bind(person.unit_id)
    .bind(person.name.as_str())
    .bind(employee_no)
    .bind(person.gender.map(|g| g.as_str()).unwrap_or(""))
    .bind(person.phone.as_ref().map(|p| p.as_str()).unwrap_or(""))
    .bind(person.email.as_ref().map(|e| e.as_str()).unwrap_or(""))
    .bind(&person.trade)
    .bind(&person.post)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

pub async fn update(
    conn: &mut Conn,
    id: i64,
    person: &NewPerson,
    employee_no: &str,
    now: i64,
) -> DbResult<()> {
    sqlx::query(
        "UPDATE people SET unit_id = $1, name = $2, employee_no = $3, gender = $4, phone = $5, email = $6, trade = $7, post = $8, updated_at = $9 WHERE id = $10",
    )
    .bind(person.unit_id)
    .bind(person.name.as_str())
    .bind(employee_no)
    .bind(person.gender.map(|g| g.as_str()).unwrap_or(""))
    .bind(person.phone.as_ref().map(|p| p.as_str()).unwrap_or(""))
    .bind(person.email.as_ref().map(|e| e.as_str()).unwrap_or(""))
    .bind(&person.trade)
    .bind(&person.post)
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn get(conn: &mut Conn, id: i64) -> DbResult<Option<PersonView>> {
    let sql = format!("{VIEW} WHERE p.id = $1");
    Ok(sqlx::query_as(AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(conn)
        .await?)
}

/// The person with this employee number in this unit, if any.
pub async fn by_employee_no(
    conn: &mut Conn,
    unit_id: i64,
    employee_no: &str,
) -> DbResult<Option<PersonView>> {
    let sql = format!("{VIEW} WHERE p.unit_id = $1 AND p.employee_no = $2");
    Ok(sqlx::query_as(AssertSqlSafe(sql))
        .bind(unit_id)
        .bind(employee_no)
        .fetch_optional(conn)
        .await?)
}

#[derive(Debug, Clone, Default)]
pub struct PeopleFilter {
    /// Matches name, employee number or phone.
    pub query: String,
    /// Only people in this unit's subtree.
    pub within: Option<UnitPath>,
}

/// People inside the subtrees `roots` matching the filter, a page at a time, with the total.
pub async fn list(
    conn: &mut Conn,
    roots: &[UnitPath],
    filter: &PeopleFilter,
    page: Page,
) -> DbResult<(Vec<PersonView>, i64)> {
    // Narrow each scope root to the filter's subtree; drop roots that do not meet it.
    let prefixes: Vec<String> = roots
        .iter()
        .filter_map(|root| match &filter.within {
            Some(w) if w.is_within(root) => Some(w.clone()),
            Some(w) if root.is_within(w) => Some(root.clone()),
            Some(_) => None,
            None => Some(root.clone()),
        })
        .map(|p| like_prefix(p.as_str()))
        .collect();
    if prefixes.is_empty() {
        return Ok((Vec::new(), 0));
    }
    let scope: Vec<String> = (1..=prefixes.len())
        .map(|i| format!("u.path LIKE ${i} ESCAPE '\\'"))
        .collect();
    let mut cond = format!(" WHERE ({})", scope.join(" OR "));
    let n = prefixes.len();
    if !filter.query.is_empty() {
        cond.push_str(&format!(
            " AND (p.name LIKE ${} ESCAPE '\\' OR p.employee_no = ${} OR p.phone = ${})",
            n + 1,
            n + 2,
            n + 2
        ));
    }
    let count_sql = format!("SELECT COUNT(*) FROM people p JOIN units u ON u.id = p.unit_id{cond}");
    let mut count = sqlx::query_scalar(AssertSqlSafe(count_sql));
    for p in &prefixes {
        count = count.bind(p.clone());
    }
    if !filter.query.is_empty() {
        count = count
            .bind(like_contains(&filter.query))
            .bind(filter.query.clone());
    }
    let total: i64 = count.fetch_one(&mut *conn).await?;
    let sql = format!(
        "{VIEW}{cond} ORDER BY u.path, p.id LIMIT {} OFFSET {}",
        page.limit, page.offset
    );
    let mut q = sqlx::query_as(AssertSqlSafe(sql));
    for p in &prefixes {
        q = q.bind(p.clone());
    }
    if !filter.query.is_empty() {
        q = q
            .bind(like_contains(&filter.query))
            .bind(filter.query.clone());
    }
    Ok((q.fetch_all(&mut *conn).await?, total))
}

pub async fn count(conn: &mut Conn) -> DbResult<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM people")
        .fetch_one(conn)
        .await?)
}

/// People called exactly `name_or_no` (a name or an employee number), those inside `near`
/// first: how a form's "who" field finds its person.
pub async fn find_exact(
    conn: &mut Conn,
    name_or_no: &str,
    near: &UnitPath,
) -> DbResult<Vec<PersonView>> {
    let sql = format!(
        "{VIEW} WHERE p.name = $1 OR p.employee_no = $1 ORDER BY CASE WHEN u.path LIKE $2 ESCAPE '\\' THEN 0 ELSE 1 END, p.id LIMIT 20"
    );
    Ok(sqlx::query_as(AssertSqlSafe(sql))
        .bind(name_or_no)
        .bind(like_prefix(near.as_str()))
        .fetch_all(conn)
        .await?)
}
