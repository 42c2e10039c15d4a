//! The friendly error page.

use crate::error::ErrorInfo;
use crate::i18n::Tr;
use crate::view::Layout;
use askama::Template;
use axum::response::{Html, IntoResponse, Response};

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    l: Layout,
    heading: String,
    message: String,
    fields: Vec<String>,
    reference: Option<String>,
}

/// Renders an error for a person. The layout here has no user: error pages must render even
/// when loading the user is what failed.
pub fn page(info: &ErrorInfo, tr: Tr) -> Response {
    let heading = tr.t_string(&format!("error_page.{}", info.status.as_u16()));
    let heading = if heading.starts_with("error_page.") {
        tr.t_string("error_page.other")
    } else {
        heading
    };
    let mut fields: Vec<String> = info
        .fields
        .iter()
        .map(|f| {
            format!(
                "{}: {}",
                tr.t_string(&format!("field.{}", f.field)),
                tr.error(&f.code, &f.params)
            )
        })
        .collect();
    fields.extend(
        info.rows
            .iter()
            .map(|r| crate::pages::imports::row_message(tr, r)),
    );
    let page = ErrorPage {
        l: Layout {
            tr,
            csrf: String::new(),
            user_name: None,
            is_admin: false,
            can_audit: false,
            section: "",
            title: heading.clone(),
            here: "%2F".into(),
            lang: tr.locale.code(),
            notice: None,
        },
        message: tr.error(&info.code, &[]),
        heading,
        fields,
        reference: info.reference.clone(),
    };
    match page.render() {
        Ok(body) => (info.status, Html(body)).into_response(),
        Err(_) => (info.status, Html("<h1>Error</h1>".to_owned())).into_response(),
    }
}
