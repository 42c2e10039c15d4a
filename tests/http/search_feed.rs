//! Issue 13: an instance's word index kept in a folder follows the database through a kill,
//! catches up with what was committed while it was down, and is rebuilt when its folder is
//! lost; every answer is read under the rights of the moment.

use crate::common::TestApp;
use crate::common::fixtures::AchievementSpec;
use crate::crash::{free_port, ready, serve_with_index};
use gongjiang_app::Caller;
use serde_json::Value;

/// The achievements an anonymous search of `q` finds, by id.
async fn found(base: &str, q: &str) -> Vec<i64> {
    found_with_total(base, q).await.0
}

async fn publish(app: &TestApp, title: &str) -> i64 {
    let spec = AchievementSpec {
        published: true,
        ..app.fx().achievement_spec(title)
    };
    app.fx().achievement_from(spec).await
}

/// An application with one published achievement, and an instance (the `Child`) started on it that keeps
/// its index in `folder` and listens at `base`; `q` finds the achievement.
struct Setup {
    app: TestApp,
    first: i64,
    folder: std::path::PathBuf,
    port: u16,
    base: String,
    q: String,
}

impl Setup {
    async fn started() -> (Setup, std::process::Child) {
        let app = TestApp::spawn().await;
        let first = publish(&app, "钛合金薄壁件数控铣削工艺").await;
        let folder = std::env::temp_dir().join(format!("gongjiang-index-test-{}", free_port()));
        let _ = std::fs::remove_dir_all(&folder);
        let port = free_port();
        let base = format!("http://127.0.0.1:{port}");
        let server = serve_with_index(&app.config.database_url, port, &folder);
        ready(&base).await;
        let setup = Setup {
            app,
            first,
            folder,
            port,
            base,
            q: crate::common::urlencode("钛合金"),
        };
        (setup, server)
    }

    fn parts(&self) -> (&TestApp, i64, &std::path::Path, u16, &str, &str) {
        (
            &self.app,
            self.first,
            &self.folder,
            self.port,
            &self.base,
            &self.q,
        )
    }
}

#[tokio::test]
async fn a_kept_index_follows_through_a_kill_and_is_rebuilt_when_lost() {
    let (setup, mut server) = Setup::started().await;
    let (app, first, folder, port, base, q) = setup.parts();
    assert_eq!(found(base, q).await, vec![first]);
    assert!(
        folder.join("meta.json").exists(),
        "the index is kept in its folder"
    );
    // A second instance given the same folder keeps its own index in memory, and finds the same.
    let other_port = free_port();
    let other_base = format!("http://127.0.0.1:{other_port}");
    let mut other = serve_with_index(&app.config.database_url, other_port, folder);
    ready(&other_base).await;
    assert_eq!(found(&other_base, q).await, vec![first]);
    other.kill().unwrap();
    other.wait().unwrap();

    // Killed; meanwhile another instance commits a new achievement and unpublishes the first.
    server.kill().unwrap();
    server.wait().unwrap();
    let second = publish(app, "钛合金焊接变形控制").await;
    let system = Caller::system("test");
    gongjiang_app::achievements::publish(app.db(), &system, first, false)
        .await
        .unwrap();
    let mut server = serve_with_index(&app.config.database_url, port, folder);
    ready(base).await;
    assert_eq!(
        found(base, q).await,
        vec![second],
        "caught up after the kill"
    );

    // A change made while it runs is seen by its next search, not a moment later.
    gongjiang_app::achievements::publish(app.db(), &system, first, true)
        .await
        .unwrap();
    let mut both = found(base, q).await;
    both.sort_unstable();
    assert_eq!(both, vec![first, second]);

    // The folder lost: rebuilt from the database at start.
    server.kill().unwrap();
    server.wait().unwrap();
    std::fs::remove_dir_all(folder).unwrap();
    let mut server = serve_with_index(&app.config.database_url, port, folder);
    ready(base).await;
    let mut rebuilt = found(base, q).await;
    rebuilt.sort_unstable();
    assert_eq!(rebuilt, vec![first, second], "rebuilt from the database");
    server.kill().unwrap();
    server.wait().unwrap();
    let _ = std::fs::remove_dir_all(folder);
}

/// The achievements and total an anonymous search of `q` answers.
async fn found_with_total(base: &str, q: &str) -> (Vec<i64>, i64) {
    let r: Value = reqwest::get(format!("{base}/api/v1/search?q={q}&what=achievement"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ids = r["items"]
        .as_array()
        .unwrap_or_else(|| panic!("{r}"))
        .iter()
        .map(|h| h["id"].as_i64().unwrap())
        .collect();
    (ids, r["total"].as_i64().unwrap())
}

/// A backup restored under an instance whose kept index was built from the original: the
/// copy's log goes on with numbers the index already holds for other changes. The copy has a
/// name of its own, so the index is built again from it rather than trusted.
#[tokio::test]
async fn an_index_is_rebuilt_for_a_restored_backup_whose_log_went_on() {
    if crate::common::on_postgres() {
        // `gongjiang backup` copies SQLite databases; PostgreSQL is restored with pg_restore,
        // after which docs/operations.md says to run `gongjiang search rebuild` (tested in cli).
        return;
    }
    let (setup, mut server) = Setup::started().await;
    let (app, first, folder, port, base, q) = setup.parts();
    let copy = std::env::temp_dir().join(format!("gongjiang-backup-test-{}.db", free_port()));
    let _ = std::fs::remove_file(&copy);
    assert!(
        app.db()
            .backup_sqlite(copy.to_str().unwrap())
            .await
            .unwrap()
    );
    let second = publish(app, "钛合金焊接变形控制").await;
    let mut both = found(base, q).await;
    both.sort_unstable();
    assert_eq!(both, vec![first, second]);
    server.kill().unwrap();
    server.wait().unwrap();

    // The copy is restored, and used for a while before this instance starts on it again:
    // its log passes the number the kept index holds.
    let copy_url = format!("sqlite://{}", copy.display());
    let restored = gongjiang_app::Database::connect(&copy_url).await.unwrap();
    let system = Caller::system("test");
    for _ in 0..20 {
        gongjiang_app::achievements::publish(&restored, &system, first, false)
            .await
            .unwrap();
        gongjiang_app::achievements::publish(&restored, &system, first, true)
            .await
            .unwrap();
    }
    let mut conn = restored.read().await.unwrap();
    let (head, restored_name) = gongjiang_db::search::feed(&mut conn).await.unwrap();
    drop(conn);
    let mut conn = app.db().read().await.unwrap();
    let (original_head, original_name) = gongjiang_db::search::feed(&mut conn).await.unwrap();
    drop(conn);
    assert!(head > original_head, "the copy's log went past the index");
    assert_ne!(
        restored_name, original_name,
        "the copy has a name of its own"
    );
    restored.close().await;

    let mut server = serve_with_index(&copy_url, port, folder);
    ready(base).await;
    assert_eq!(
        found_with_total(base, q).await,
        (vec![first], 1),
        "what the copy holds, and nothing the index held of the original"
    );
    server.kill().unwrap();
    server.wait().unwrap();
    let _ = std::fs::remove_dir_all(folder);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", copy.display()));
    }
}
