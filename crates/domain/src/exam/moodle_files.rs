//! Pictures in Moodle XML: a stem or an answer shows `<img src="@@PLUGINFILE@@/name">` and
//! carries the file beside its text, in base64. On import they become `[图片:@name]` markers
//! with their checked bytes; on export, stored pictures are written back the same way.

use super::formats::{ImportedPicture, problem};
use super::moodle_write::{cdata, escape_attr};
use super::picture;
use crate::import::RowError;
use serde::Deserialize;

/// A file beside a text (`<file name="…" encoding="base64">…</file>`).
#[derive(Deserialize)]
pub(super) struct XmlFile {
    #[serde(rename = "@name", default)]
    pub(super) name: String,
    #[serde(rename = "$text", default)]
    pub(super) data: String,
}

/// The file an `<img …>` tag shows from the question's own files, from its
/// `src="@@PLUGINFILE@@/name"` (the name percent-decoded).
pub(super) fn plugin_file(tag: &str) -> Option<String> {
    let at = tag.find("src=")?;
    let rest = &tag[at + 4..];
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &rest[1..];
    let value = &value[..value.find(quote)?];
    let name = value.strip_prefix("@@PLUGINFILE@@/")?;
    let name = name.split(['?', '#']).next().unwrap_or(name);
    Some(percent_decode(name))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(
                std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"),
                16,
            )
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The pictures that `texts` place, from the question's `files`: each must be there, in
/// base64, and a picture no larger than [`picture::MAX_BYTES`].
pub(super) fn pictures_of(
    texts: &[&str],
    files: &[&XmlFile],
) -> Result<Vec<ImportedPicture>, RowError> {
    use base64::Engine;
    let mut out: Vec<ImportedPicture> = Vec::new();
    for name in texts.iter().flat_map(|t| picture::file_markers(t)) {
        if out.iter().any(|p| p.name == name) {
            continue;
        }
        let with = |code: &str| RowError {
            params: vec![("value".into(), name.clone())],
            ..problem(0, code)
        };
        let file = files
            .iter()
            .find(|f| f.name == name)
            .ok_or_else(|| with("picture_file_missing"))?;
        let data: String = file.data.chars().filter(|c| !c.is_whitespace()).collect();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(data)
            .map_err(|_| with("picture_not_base64"))?;
        if bytes.len() > picture::MAX_BYTES {
            return Err(RowError {
                params: vec![("max".into(), "2 MB".into())],
                ..problem(0, "picture_too_large")
            });
        }
        let content_type = picture::sniff(&bytes).ok_or_else(|| with("not_a_picture"))?;
        out.push(ImportedPicture {
            name,
            content_type,
            bytes,
        });
    }
    Ok(out)
}

/// `format="…"><text>…</text>` and the files a text shows: plain text, or HTML with an
/// `<img>` for each picture it places (Moodle's own way to carry pictures in a bank).
pub(super) fn text_with_files(text: &str, pictures: &[ImportedPicture]) -> String {
    use base64::Engine;
    let names = picture::file_markers(text);
    if names.is_empty() {
        return format!("format=\"plain_text\"><text>{}</text>", cdata(text));
    }
    let mut html = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\n', "<br>");
    let mut files = String::new();
    for name in &names {
        let Some(p) = pictures.iter().find(|p| &p.name == name) else {
            continue;
        };
        html = html.replace(
            &picture::file_marker(name),
            &format!(
                "<img src=\"@@PLUGINFILE@@/{}\" alt=\"\">",
                escape_attr(name)
            ),
        );
        files.push_str(&format!(
            "<file name=\"{}\" path=\"/\" encoding=\"base64\">{}</file>",
            escape_attr(name),
            base64::engine::general_purpose::STANDARD.encode(&p.bytes)
        ));
    }
    format!("format=\"html\"><text>{}</text>{files}", cdata(&html))
}

#[cfg(test)]
mod tests {
    use super::super::formats::{DEFAULT_DIFFICULTY, ImportedQuestion};
    use super::super::moodle::{parse_moodle_xml, write_moodle_xml};
    use super::super::question::{AnswerKey, Question, QuestionKind};
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n rest of a picture";

    #[test]
    fn pictures_travel_inside_the_file_both_ways() {
        let name = "焊缝 1.png";
        let question = Question {
            prompts: Vec::new(),
            parts: Vec::new(),
            kind: QuestionKind::SingleChoice,
            stem: format!("图中缺陷是？\n{}", picture::file_marker(name)),
            options: vec![
                format!("咬边{}", picture::file_marker("a.png")),
                "气孔".into(),
            ],
            key: AnswerKey::Choice { correct: vec![0] },
            points: 100,
            difficulty: DEFAULT_DIFFICULTY,
            explanation: String::new(),
            tags: vec![],
        };
        let pictures: Vec<ImportedPicture> = [name, "a.png"]
            .iter()
            .map(|n| ImportedPicture {
                name: (*n).into(),
                content_type: "image/png",
                bytes: PNG.to_vec(),
            })
            .collect();
        let xml = write_moodle_xml(&[ImportedQuestion {
            line: 1,
            category: None,
            title: "t".into(),
            question: question.clone(),
            pictures: pictures.clone(),
        }]);
        assert!(xml.contains("@@PLUGINFILE@@/焊缝 1.png"), "{xml}");
        let back = parse_moodle_xml(&xml).unwrap();
        assert_eq!(back[0].question.stem, question.stem);
        assert_eq!(back[0].question.options, question.options);
        assert_eq!(back[0].pictures, pictures);
        // A picture the text shows but the file lacks names itself and its question's line.
        let broken = xml.replace("<file name=\"a.png\"", "<file name=\"b.png\"");
        let errors = parse_moodle_xml(&broken).unwrap_err();
        assert_eq!(errors[0].code, "picture_file_missing");
        assert_eq!(errors[0].row, 3);
        assert_eq!(errors[0].params, vec![("value".into(), "a.png".into())]);
        // Encoded names in the HTML find their files.
        assert_eq!(
            plugin_file(r#"img src="@@PLUGINFILE@@/%E7%84%8A%E7%BC%9D.png?time=1" alt="""#),
            Some("焊缝.png".into())
        );
    }
}
