//! The group-commit writer: every acknowledged write is stored, and one bad write in a batch
//! fails alone.

use crate::common::TestApp;
use gongjiang_db::group_commit::{GroupCommit, Job, Jobs};

fn insert(key: i64) -> Job {
    Box::new(move |conn| {
        Box::pin(async move {
            sqlx::query("INSERT INTO gc_test (k, v) VALUES ($1, $2)")
                .bind(key)
                .bind(key * 10)
                .execute(conn)
                .await?;
            Ok(())
        })
    })
}

#[tokio::test]
async fn concurrent_writes_are_committed_together_and_each_is_answered() {
    let app = TestApp::spawn().await;
    let db = app.db().clone();
    let mut tx = db.begin().await.unwrap();
    sqlx::query("CREATE TABLE gc_test (k BIGINT PRIMARY KEY, v BIGINT NOT NULL)")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let writer = GroupCommit::start(db.clone(), 64, Jobs);
    let mut tasks = Vec::new();
    for key in 0..400 {
        let writer = writer.clone();
        // Key 7 is written twice: the second write must fail without taking its batch down.
        let key = if key == 399 { 7 } else { key };
        tasks.push(tokio::spawn(async move {
            (key, writer.write(insert(key)).await.is_ok())
        }));
    }
    let mut acknowledged = Vec::new();
    let mut failed = 0;
    for t in tasks {
        let (key, ok) = t.await.unwrap();
        if ok {
            acknowledged.push(key)
        } else {
            failed += 1
        }
    }
    assert_eq!(failed, 1, "only the duplicate fails");
    assert_eq!(acknowledged.len(), 399);
    let mut conn = db.read().await.unwrap();
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM gc_test")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!(stored, 399, "every acknowledged write is there");
}
