//! What an operator sees (issue 12, telemetry): a request id on every answer, quoted as the
//! `reference` of every error; `/metrics` in the Prometheus text format on its own port.

use crate::common::TestApp;
use reqwest::StatusCode;

#[tokio::test]
async fn every_answer_names_its_request_and_metrics_count_them() {
    // A port of its own for this process's metrics (the public port never serves them).
    let port = 20_000 + (std::process::id() % 20_000) as u16;
    let app = TestApp::spawn_with(gongjiang::config::Layer {
        metrics_port: Some(port),
        ..Default::default()
    })
    .await;
    let client = app.client();
    let r = app.get(&client, "/healthz").await;
    let id = r.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert!(id.len() >= 8, "{id}");
    // An error in JSON and on a page quotes the id of its request.
    let r = app.get(&client, "/api/v1/studios/999999").await;
    let id = r.headers()["x-request-id"].to_str().unwrap().to_owned();
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["reference"], id.as_str(), "{body}");
    let r = app.get(&client, "/no/such/page").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let id = r.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert!(r.text().await.unwrap().contains(&id));
    // A proxy's own id is kept (to follow a request across systems); a strange one is not.
    let r = client
        .get(app.url("/healthz"))
        .header("x-request-id", "proxy-0000-abcd")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-request-id"], "proxy-0000-abcd");
    let r = client
        .get(app.url("/healthz"))
        .header("x-request-id", "<script>")
        .send()
        .await
        .unwrap();
    assert_ne!(r.headers()["x-request-id"], "<script>");

    assert_eq!(
        app.get(&client, "/metrics").await.status(),
        StatusCode::NOT_FOUND,
        "not on the public port"
    );
    let metrics = reqwest::get(format!("http://127.0.0.1:{port}/metrics"))
        .await
        .unwrap();
    assert!(
        metrics.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = metrics.text().await.unwrap();
    for expected in [
        "# TYPE gongjiang_http_requests_total counter",
        "gongjiang_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"}",
        "gongjiang_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"+Inf\"}",
        "gongjiang_db_connections{pool=\"reader\",state=\"open\"}",
    ] {
        assert!(text.contains(expected), "{expected} in\n{text}");
    }
}
