//! Certificates end to end: issued from final results (once; again only what changed), a PDF
//! with Chinese fonts embedded for the holder, a public verification page that says valid,
//! revoked or unknown and nothing private, revocation with a reason, a batch zip with its
//! progress, the prize on the person's record, and a template a federation can change; and
//! the same machinery for a studio's star rating and a person's honour.

use crate::common::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

async fn bytes(app: &TestApp, token: &str, path: &str) -> (StatusCode, String, Vec<u8>) {
    let r = reqwest::Client::new()
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = r.status();
    let kind = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, kind, r.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn prizes_get_verifiable_certificates_printed_one_by_one_or_in_a_batch() {
    let app = TestApp::spawn().await;
    // 刘伟 (the seed's worker) 45 of 50: 一等奖; 孙乙 40: 二等奖; 孙丙 30: no prize.
    let t = app.fx().judged_track(&["45", "40", "30"]).await;
    let admin = app.api_token("admin").await;
    let worker = app.api_token("worker").await;
    let issue = format!("/api/v1/tracks/{}/certificates", t.track);
    let (status, body) = app.api(&admin, "POST", &issue, None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["fields"][0]["code"], "results_not_final");
    app.fx().final_results(t.track).await;
    let (status, report) = app.api(&admin, "POST", &issue, None).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report, json!({ "issued": 2, "kept": 0, "revoked": 0 }));
    let (_, again) = app.api(&admin, "POST", &issue, None).await;
    assert_eq!(again, json!({ "issued": 0, "kept": 2, "revoked": 0 }));
    let (_, list) = app.api(&admin, "GET", &issue, None).await;
    let mine = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["holder"] == "刘伟")
        .unwrap()
        .clone();
    assert_eq!(mine["honour"], "一等奖");
    assert_eq!(mine["issuer"], "华江市总工会");
    let serial = mine["serial"].as_str().unwrap().to_owned();

    // The holder prints it: a PDF under 150 KB with its Chinese font embedded; another
    // worker is told it does not exist.
    let pdf = format!("/api/v1/certificates/{serial}/pdf");
    let (status, kind, file) = bytes(&app, &worker, &pdf).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(kind, "application/pdf");
    assert!(
        file.starts_with(b"%PDF-") && file.len() < 150 * 1024,
        "{}",
        file.len()
    );
    assert!(String::from_utf8_lossy(&file).contains("/FontFile"));
    let target = app.api_token("target").await;
    assert_eq!(bytes(&app, &target, &pdf).await.0, StatusCode::NOT_FOUND);

    // Anyone verifies it, without signing in: valid, with nothing private.
    let public = reqwest::Client::new();
    let v: Value = public
        .get(app.url(&format!("/api/v1/public/certificates/{serial}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (v["status"].clone(), v["holder"].clone()),
        (json!("valid"), json!("刘伟"))
    );
    assert!(
        v.get("person_id").is_none() && v.get("entry_id").is_none(),
        "{v}"
    );
    let page = public
        .get(app.url(&format!("/verify/{serial}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("有效证书") && html.contains("一等奖") && html.contains("刘伟"),
        "{html}"
    );
    let unknown = public
        .get(app.url("/verify/GJ2026-NOSUCH-SERIAL"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert!(unknown.text().await.unwrap().contains("查无此证书"));

    // The prize shows on the person's record.
    let (_, record) = app
        .api(
            &worker,
            "GET",
            &format!("/api/v1/people/{}/record", app.seed.worker.0),
            None,
        )
        .await;
    assert_eq!(record["prizes"][0]["serial"], serial.as_str(), "{record}");

    // A batch of the competition's certificates: its progress, then one zip.
    let (status, batch) = app
        .api(
            &admin,
            "POST",
            &format!("/api/v1/competitions/{}/certificate-batches", t.competition),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{batch}");
    let batch_url = format!("/api/v1/certificate-batches/{}", batch["id"]);
    let mut state = batch;
    for _ in 0..300 {
        if state["state"] != "running" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        state = app.api(&admin, "GET", &batch_url, None).await.1;
    }
    assert_eq!(
        (state["state"].clone(), state["done"].clone()),
        (json!("done"), json!(2)),
        "{state}"
    );
    let (status, kind, zip) = bytes(&app, &admin, &format!("{batch_url}/zip")).await;
    assert_eq!((status, kind.as_str()), (StatusCode::OK, "application/zip"));
    assert!(zip.starts_with(b"PK"));
    let names = String::from_utf8_lossy(&zip).to_string();
    assert!(
        names.contains(&format!("钳工/一等奖-刘伟-{serial}.pdf")),
        "the zip lists each certificate"
    );

    // Revoked with a reason: the page says so, the PDF is no more.
    let revocation = format!("/api/v1/certificates/{serial}/revocation");
    let (_, body) = app
        .api(&admin, "POST", &revocation, Some(json!({ "reason": "" })))
        .await;
    assert_eq!(body["error"]["fields"][0]["code"], "reason_required");
    let (status, revoked) = app
        .api(
            &admin,
            "POST",
            &revocation,
            Some(json!({ "reason": "成绩复核后撤销" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{revoked}");
    let html = public
        .get(app.url(&format!("/verify/{serial}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("证书已撤销") && !html.contains("成绩复核后撤销"),
        "the reason stays private"
    );
    assert_eq!(
        bytes(&app, &worker, &pdf).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // Issuing again gives the prize a new certificate (the results still give it).
    let (_, again) = app.api(&admin, "POST", &issue, None).await;
    assert_eq!(again, json!({ "issued": 1, "kept": 1, "revoked": 0 }));
}

#[tokio::test]
async fn a_federation_changes_its_certificate_template_checked_before_it_is_kept() {
    let app = TestApp::spawn().await;
    let admin = app.api_token("admin").await;
    let unitadmin = app.api_token("unitadmin").await;
    let url = format!("/api/v1/units/{}/certificate-template", app.seed.federation);
    let (status, shipped) = app.api(&admin, "GET", &url, None).await;
    assert_eq!(status, StatusCode::OK, "{shipped}");
    assert!(shipped["set_by_unit"].is_null());
    assert!(shipped["source"].as_str().unwrap().contains("荣誉证书"));
    assert!(
        shipped["fonts"].to_string().contains("Noto"),
        "{}",
        shipped["fonts"]
    );
    assert_eq!(
        app.api(&unitadmin, "GET", &url, None).await.0,
        StatusCode::FORBIDDEN
    );
    // A broken template is refused with its line, and nothing changes.
    let broken = "#let c = json(\"/certificate.json\")\n#text(size: )[#c.holder]";
    let (status, body) = app
        .api(&admin, "PUT", &url, Some(json!({ "source": broken })))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = body["error"]["fields"][0]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(message.contains("第 2 行"), "{message}");
    // A working one is kept, and the units below use it.
    let own = "#let c = json(\"/certificate.json\")\n#set text(font: \"Noto Sans CJK SC\")\n= 获奖证书\n#c.holder 荣获 #c.honour\n#image(\"/qr.svg\", width: 3cm)";
    let (status, saved) = app
        .api(&admin, "PUT", &url, Some(json!({ "source": own })))
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["set_by_unit"], app.seed.federation);
    let (_, below) = app
        .api(
            &admin,
            "GET",
            &format!("/api/v1/units/{}/certificate-template", app.seed.branch),
            None,
        )
        .await;
    assert_eq!(below["source"], own);
    let page = app.login("admin").await;
    let preview = app
        .get(
            &page,
            &format!(
                "/admin/units/{}/certificate-template/preview",
                app.seed.branch
            ),
        )
        .await;
    assert_eq!(preview.status(), StatusCode::OK);
    assert!(preview.bytes().await.unwrap().starts_with(b"%PDF-"));
    // Emptied: back to the shipped one.
    let (_, back) = app
        .api(&admin, "PUT", &url, Some(json!({ "source": "" })))
        .await;
    assert!(back["set_by_unit"].is_null());
    let (_, audit) = app
        .api(&admin, "GET", "/api/v1/audit?entity_type=unit", None)
        .await;
    assert!(audit.to_string().contains("certificates.template"));
}

#[tokio::test]
async fn studio_ratings_and_honours_get_certificates_from_the_same_machinery() {
    let app = TestApp::spawn().await;
    let s = &app.seed;
    let admin = app.api_token("admin").await;
    let unitadmin = app.api_token("unitadmin").await;
    let worker = app.api_token("worker").await;
    let studio = app.fx().studio("数控攻关工作室").await;
    let st = format!("/api/v1/studios/{studio}");
    let (status, rated) = app
        .api(
            &unitadmin,
            "POST",
            &format!("{st}/ratings"),
            Some(json!({"stars": 4, "rated_on": "2025-06-01", "source": "2025年度星级评定"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{rated}");
    let (_, detail) = app.api(&unitadmin, "GET", &st, None).await;
    let rating = detail["ratings"][0]["id"].as_i64().unwrap();
    let certify = format!("{st}/ratings/{rating}/certificate");

    // The enterprise's admin certifies it, in the name of the highest unit they keep.
    let (status, first) = app.api(&unitadmin, "POST", &certify, Some(json!({}))).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(first["kind"], "studio_rating");
    assert_eq!(first["holder"], "数控攻关工作室");
    assert_eq!(first["honour"], "四星级职工创新工作室");
    assert_eq!(first["title"], "2025年度星级评定");
    assert_eq!(first["issuer_unit_id"], s.enterprise);
    let (_, again) = app.api(&unitadmin, "POST", &certify, Some(json!({}))).await;
    assert_eq!(again["serial"], first["serial"], "issued once");
    // Not in the name of a unit they do not keep, nor of one beside the studio.
    let (status, _) = app
        .api(
            &unitadmin,
            "POST",
            &certify,
            Some(json!({"issuer_unit_id": s.federation})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, beside) = app
        .api(
            &admin,
            "POST",
            &certify,
            Some(json!({"issuer_unit_id": s.other_enterprise})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        beside["error"]["fields"][0]["code"],
        "issuer_not_above_holder"
    );
    // The federation issues it again in its own name: the enterprise's is revoked.
    let (_, federation) = app.api(&admin, "POST", &certify, Some(json!({}))).await;
    assert_eq!(federation["issuer"], "华江市总工会");
    assert_ne!(federation["serial"], first["serial"]);
    let status_of = |serial: &Value| {
        let url = app.url(&format!(
            "/api/v1/public/certificates/{}",
            serial.as_str().unwrap()
        ));
        async move {
            let v: Value = reqwest::get(url).await.unwrap().json().await.unwrap();
            v["status"].as_str().unwrap().to_owned()
        }
    };
    assert_eq!(status_of(&first["serial"]).await, "revoked");
    assert_eq!(status_of(&federation["serial"]).await, "valid");

    // The studio's keepers print it with the federation's template; a worker cannot.
    let pdf = format!(
        "/api/v1/certificates/{}/pdf",
        federation["serial"].as_str().unwrap()
    );
    let (status, kind, file) = bytes(&app, &unitadmin, &pdf).await;
    assert_eq!((status, kind.as_str()), (StatusCode::OK, "application/pdf"));
    assert!(String::from_utf8_lossy(&file).contains("/FontFile"));
    assert_eq!(bytes(&app, &worker, &pdf).await.0, StatusCode::NOT_FOUND);
    let (_, detail) = app.api(&unitadmin, "GET", &st, None).await;
    assert_eq!(detail["certificates"][0]["serial"], federation["serial"]);
    assert_eq!(detail["certificates"].as_array().unwrap().len(), 1);

    // An honour of the worker, certified; the worker prints it and sees it on their record.
    let (status, honour) = app
        .api(
            &admin,
            "POST",
            &format!("/api/v1/people/{}/honours", s.worker.0),
            Some(json!({"kind": "craftsman", "level": "municipal", "title": "华江工匠", "year": 2024, "granted_by": "华江市人民政府"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{honour}");
    let (status, c) = app
        .api(
            &admin,
            "POST",
            &format!("/api/v1/honours/{}/certificate", honour["id"]),
            Some(json!({})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{c}");
    assert_eq!(
        (c["kind"].clone(), c["holder"].clone(), c["honour"].clone()),
        (json!("honour"), json!("刘伟"), json!("华江工匠"))
    );
    assert_eq!(
        (c["title"].clone(), c["subtitle"].clone()),
        (json!("2024年"), json!("华江市人民政府"))
    );
    let serial = c["serial"].as_str().unwrap();
    let (status, _, _) = bytes(&app, &worker, &format!("/api/v1/certificates/{serial}/pdf")).await;
    assert_eq!(status, StatusCode::OK);
    let (_, record) = app
        .api(
            &worker,
            "GET",
            &format!("/api/v1/people/{}/record", s.worker.0),
            None,
        )
        .await;
    assert_eq!(record["prizes"][0]["serial"], serial, "{record}");
    // The holder cannot certify their own honour; the page's button works for staff.
    let (status, _) = app
        .api(
            &worker,
            "POST",
            &format!("/api/v1/honours/{}/certificate", honour["id"]),
            Some(json!({})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let staff = app.login("admin").await;
    let done = app
        .post_form(
            &staff,
            &format!("/admin/honours/{}/certificate", honour["id"]),
            &[],
        )
        .await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let (_, page) = app
        .get_text(&staff, &format!("/admin/people/{}", s.worker.0))
        .await;
    assert!(page.contains(serial), "the same certificate is listed");
}
