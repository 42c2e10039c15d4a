//! The shipped template renders a Chinese certificate with its fonts embedded and subset;
//! a broken template is refused with its line.

use gongjiang_certificates::{CertificateError, DEFAULT_TEMPLATE, Fonts, Renderer, sample};
use std::path::PathBuf;
use std::sync::Arc;

fn renderer() -> Renderer {
    let fonts = Fonts::search(&[PathBuf::from("/usr/share/fonts")])
        .unwrap_or_else(|e| panic!("fonts (install fonts-noto-cjk): {e}"));
    Renderer::new(Arc::new(fonts))
}

#[test]
fn the_default_template_makes_a_small_pdf_with_embedded_chinese_fonts() {
    let r = renderer();
    let pdf = r
        .render(DEFAULT_TEMPLATE, &sample())
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(pdf.starts_with(b"%PDF-"), "a PDF");
    assert!(pdf.len() < 150 * 1024, "{} bytes", pdf.len());
    let text = String::from_utf8_lossy(&pdf);
    assert!(text.contains("/FontFile"), "fonts are embedded");
    assert!(
        text.contains("NotoSerifCJK") || text.contains("Noto"),
        "the CJK font"
    );
}

#[test]
fn a_broken_template_names_its_line() {
    let r = renderer();
    let broken = "#let c = json(\"/certificate.json\")\n\n#text(size: )[#c.holder]\n";
    match r.check(broken) {
        Err(CertificateError::Template { line, message }) => {
            assert_eq!(line, Some(3), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_template_cannot_read_other_files() {
    let r = renderer();
    let nosy = "#read(\"/etc/passwd\")";
    assert!(matches!(
        r.check(nosy),
        Err(CertificateError::Template { .. })
    ));
}
