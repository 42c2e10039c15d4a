//! Renders a template (the shipped one, or the file given) with sample fields to a PDF:
//! `cargo run -p gongjiang-certificates --example sample -- [template.typ] [out.pdf]`.

use gongjiang_certificates::{DEFAULT_TEMPLATE, Fonts, Renderer, sample};
use std::path::PathBuf;
use std::sync::Arc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let template = match args.first() {
        Some(path) => std::fs::read_to_string(path)?,
        None => DEFAULT_TEMPLATE.to_owned(),
    };
    let out = args
        .get(1)
        .cloned()
        .unwrap_or_else(|| "certificate.pdf".into());
    let renderer = Renderer::new(Arc::new(Fonts::search(&[PathBuf::from(
        "/usr/share/fonts",
    )])?));
    let pdf = renderer.render(&template, &sample())?;
    std::fs::write(&out, &pdf)?;
    println!("{out}: {} bytes", pdf.len());
    Ok(())
}
