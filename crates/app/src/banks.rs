//! Question banks: create, import questions (Excel template, Moodle XML, GIFT, Aiken) all or
//! nothing, list, and export to Excel or Moodle XML so that a bank round-trips.

use crate::{Caller, ServiceError, ServiceResult, change, record, sheets};
use gongjiang_db::banks::{BankRecord, NewVersion, QuestionRecord};
use gongjiang_db::{Database, Page, banks, units};
use gongjiang_domain::FieldError;
use gongjiang_domain::authz::Action;
use gongjiang_domain::clock::now_ms;
use gongjiang_domain::error::text;
use gongjiang_domain::exam::formats::{ImportedPicture, ImportedQuestion, parse_aiken, parse_gift};
use gongjiang_domain::exam::moodle::{parse_moodle_xml, write_moodle_xml};
use gongjiang_domain::exam::picture;
use gongjiang_domain::exam::question::Question;
use gongjiang_domain::exam::sheet::{QUESTION_COLUMNS, parse_question_sheet, question_row};
use gongjiang_domain::import::RowError;
use gongjiang_domain::unit::UnitPath;

pub async fn create(
    db: &Database,
    caller: &Caller,
    unit_id: i64,
    name: &str,
    trade: &str,
) -> ServiceResult<BankRecord> {
    let name = text("name", name, 2, 100)?;
    let trade = text("trade", trade, 0, 40)?;
    let mut tx = db.begin().await?;
    let unit = units::get(&mut tx, unit_id)
        .await?
        .ok_or_else(|| FieldError::new("unit_id", "unknown_unit"))?;
    caller.ensure(Action::ManageBanks, &unit.unit_path())?;
    let id = banks::insert_bank(&mut tx, unit_id, &name, &trade, now_ms()).await?;
    let bank = banks::get_bank(&mut tx, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    record(
        &mut tx,
        caller,
        change::<(), _>("bank.create", "bank", id, None, Some(&bank)),
    )
    .await?;
    gongjiang_db::commit(tx).await?;
    Ok(bank)
}

async fn managed(
    conn: &mut gongjiang_db::Conn,
    caller: &Caller,
    id: i64,
) -> ServiceResult<BankRecord> {
    let bank = banks::get_bank(conn, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    caller.ensure(
        Action::ManageBanks,
        &UnitPath::from_stored(bank.unit_path.clone()),
    )?;
    Ok(bank)
}

pub async fn get(db: &Database, caller: &Caller, id: i64) -> ServiceResult<BankRecord> {
    let mut conn = db.read().await?;
    managed(&mut conn, caller, id).await
}

pub async fn list(db: &Database, caller: &Caller) -> ServiceResult<Vec<BankRecord>> {
    caller.ensure_somewhere(Action::ManageBanks)?;
    let mut conn = db.read().await?;
    Ok(banks::list_banks(&mut conn, &caller.scope(Action::ManageBanks)).await?)
}

/// What a question file held: its questions, and for a text file the encoding it was read in.
pub struct ReadQuestions {
    pub questions: Vec<ImportedQuestion>,
    pub encoding: Option<&'static str>,
}

/// Reads questions from a file, the format told by its name: `.xlsx` (the Chinese template),
/// `.xml` (Moodle XML), `.gift`, or `.txt` (Aiken, or GIFT when it has answer blocks). A text
/// file may be UTF-8, UTF-16, GB18030 (GBK) or Windows-1252 (`text_encoding::decode`).
pub fn read_questions(filename: &str, bytes: &[u8]) -> Result<ReadQuestions, Vec<RowError>> {
    let lower = filename.to_ascii_lowercase();
    if lower.ends_with(".xlsx") {
        return Ok(ReadQuestions {
            questions: parse_question_sheet(&sheets::read_xlsx(bytes)?)?,
            encoding: None,
        });
    }
    let (text, encoding) = gongjiang_domain::text_encoding::decode(bytes);
    let text = text.as_str();
    let questions = if lower.ends_with(".xml") {
        parse_moodle_xml(text)
    } else if lower.ends_with(".gift") || (lower.ends_with(".txt") && text.contains('{')) {
        parse_gift(text)
    } else if lower.ends_with(".txt") {
        parse_aiken(text)
    } else {
        Err(vec![RowError {
            row: 0,
            column: String::new(),
            code: "unknown_question_format".into(),
            params: vec![("value".into(), filename.to_owned())],
        }])
    }?;
    Ok(ReadQuestions {
        questions,
        encoding: Some(encoding),
    })
}

/// What an import added.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Imported {
    /// Questions added.
    pub imported: usize,
    /// For a text file: the encoding it was read in (`UTF-8`, `UTF-16LE`, `gb18030`,
    /// `windows-1252`).
    pub encoding: Option<&'static str>,
}

/// Adds every question of a file to the bank, or none if any has a problem.
pub async fn import(
    db: &Database,
    caller: &Caller,
    bank_id: i64,
    filename: &str,
    bytes: &[u8],
) -> ServiceResult<Imported> {
    {
        let mut conn = db.read().await?;
        managed(&mut conn, caller, bank_id).await?;
    }
    let (name, owned) = (filename.to_owned(), bytes.to_vec());
    let read = crate::parsing::off_thread(move || read_questions(&name, &owned)).await?;
    let (mut questions, encoding) = (read.questions, read.encoding);
    if questions.is_empty() {
        return Err(ServiceError::ImportRejected(vec![RowError {
            row: 0,
            column: String::new(),
            code: "no_rows".into(),
            params: vec![],
        }]));
    }
    let now = now_ms();
    let mut tx = db.begin().await?;
    for q in &mut questions {
        // The file's pictures are stored with the bank, in the same transaction, and their
        // placeholders become the stored pictures' markers.
        for p in std::mem::take(&mut q.pictures) {
            let id = banks::insert_image(&mut tx, bank_id, p.content_type, &p.bytes, now).await?;
            let (from, to) = (picture::file_marker(&p.name), picture::marker(id));
            for text in q.question.texts_mut() {
                *text = text.replace(&from, &to);
            }
        }
        let body = serde_json::to_string(&q.question)
            .map_err(|e| ServiceError::Internal(e.to_string()))?;
        let version = NewVersion {
            kind: q.question.kind.as_str(),
            difficulty: i64::from(q.question.difficulty),
            points: q.question.points,
            body: &body,
            created_by: caller.user_id(),
        };
        banks::insert_question(
            &mut tx,
            bank_id,
            q.category.as_deref().unwrap_or(""),
            version,
            now,
        )
        .await?;
    }
    let summary = serde_json::json!({ "file": filename, "questions": questions.len(),
        "encoding": encoding });
    record(
        &mut tx,
        caller,
        change::<(), _>("bank.import", "bank", bank_id, None, Some(&summary)),
    )
    .await?;
    gongjiang_db::commit(tx).await?;
    Ok(Imported {
        imported: questions.len(),
        encoding,
    })
}

/// A stored question with its parsed content.
pub struct StoredQuestion {
    pub record: QuestionRecord,
    pub question: Question,
}

pub async fn questions(
    db: &Database,
    caller: &Caller,
    bank_id: i64,
    page: Page,
) -> ServiceResult<(Vec<StoredQuestion>, i64)> {
    let mut conn = db.read().await?;
    managed(&mut conn, caller, bank_id).await?;
    let (records, total) = banks::list_questions(&mut conn, bank_id, page).await?;
    let list = records
        .into_iter()
        .map(|record| {
            let question = serde_json::from_str(&record.body).map_err(|e| {
                ServiceError::Internal(format!("question version {}: {e}", record.version_id))
            })?;
            Ok(StoredQuestion { record, question })
        })
        .collect::<ServiceResult<Vec<_>>>()?;
    Ok((list, total))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Xlsx,
    MoodleXml,
}

/// The whole bank in a format that imports again.
pub async fn export(
    db: &Database,
    caller: &Caller,
    bank_id: i64,
    format: ExportFormat,
) -> ServiceResult<Vec<u8>> {
    let (list, _) = questions(
        db,
        caller,
        bank_id,
        Page {
            offset: 0,
            limit: 1_000_000,
        },
    )
    .await?;
    match format {
        ExportFormat::Xlsx => {
            let headers: Vec<String> = QUESTION_COLUMNS.iter().map(|c| c.zh.to_owned()).collect();
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|q| question_row(&q.question, &q.record.category))
                .collect();
            sheets::write_xlsx("题库", &headers, &rows).map_err(ServiceError::Internal)
        }
        ExportFormat::MoodleXml => {
            let mut items: Vec<ImportedQuestion> = Vec::with_capacity(list.len());
            let mut conn = db.read().await?;
            for q in list {
                let mut question = q.question;
                let pictures = pictures_for_export(&mut conn, bank_id, &mut question).await?;
                items.push(ImportedQuestion {
                    line: 0,
                    category: Some(q.record.category).filter(|c| !c.is_empty()),
                    title: String::new(),
                    question,
                    pictures,
                });
            }
            Ok(write_moodle_xml(&items).into_bytes())
        }
    }
}

/// The bank's pictures a question shows, named for the file, their markers made file markers.
async fn pictures_for_export(
    conn: &mut gongjiang_db::Conn,
    bank_id: i64,
    question: &mut Question,
) -> ServiceResult<Vec<ImportedPicture>> {
    let texts: Vec<String> = question.texts().cloned().collect();
    let mut out = Vec::new();
    for id in texts.iter().flat_map(|t| {
        picture::pieces(t).into_iter().filter_map(|p| match p {
            picture::Piece::Picture(id) => Some(id),
            picture::Piece::Text(_) => None,
        })
    }) {
        if out
            .iter()
            .any(|(seen, _): &(i64, ImportedPicture)| *seen == id)
        {
            continue;
        }
        let Some((owner, _, bytes)) = banks::image(conn, id).await? else {
            continue;
        };
        let Some(content_type) = picture::sniff(&bytes).filter(|_| owner == bank_id) else {
            continue;
        };
        let extension = content_type.trim_start_matches("image/");
        let name = format!("picture-{id}.{extension}");
        let (from, to) = (picture::marker(id), picture::file_marker(&name));
        for text in question.texts_mut() {
            *text = text.replace(&from, &to);
        }
        out.push((
            id,
            ImportedPicture {
                name,
                content_type,
                bytes,
            },
        ));
    }
    Ok(out.into_iter().map(|(_, p)| p).collect())
}

/// A question with a bank's keeper rights checked.
async fn managed_question(
    conn: &mut gongjiang_db::Conn,
    caller: &Caller,
    id: i64,
) -> ServiceResult<QuestionRecord> {
    let record = banks::get_question(conn, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    managed(conn, caller, record.bank_id).await?;
    Ok(record)
}

/// A question of a bank the caller keeps.
pub async fn question(db: &Database, caller: &Caller, id: i64) -> ServiceResult<QuestionRecord> {
    let mut conn = db.read().await?;
    managed_question(&mut conn, caller, id).await
}

/// Revises a question: a new version becomes current, and the old ones stay untouched for the
/// attempts that used them.
pub async fn revise(
    db: &Database,
    caller: &Caller,
    id: i64,
    category: &str,
    question: serde_json::Value,
    reason: &str,
) -> ServiceResult<StoredQuestion> {
    {
        // Rights first: nobody learns how a question must look without being allowed to keep it.
        let mut conn = db.read().await?;
        managed_question(&mut conn, caller, id).await?;
    }
    let question: Question = serde_json::from_value(question)
        .map_err(|_| FieldError::new("question", "malformed_question"))?;
    question.check()?;
    let category = text("category", category.trim_matches('/'), 0, 200)?;
    let mut tx = db.begin().await?;
    let before = managed_question(&mut tx, caller, id).await?;
    let body =
        serde_json::to_string(&question).map_err(|e| ServiceError::Internal(e.to_string()))?;
    let version = NewVersion {
        kind: question.kind.as_str(),
        difficulty: i64::from(question.difficulty),
        points: question.points,
        body: &body,
        created_by: caller.user_id(),
    };
    banks::revise(&mut tx, id, &category, version, now_ms()).await?;
    let after = banks::get_question(&mut tx, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let mut c = change(
        "question.revise",
        "question",
        id,
        Some(&before),
        Some(&after),
    );
    c.reason = crate::units::non_empty(reason);
    record(&mut tx, caller, c).await?;
    gongjiang_db::commit(tx).await?;
    Ok(StoredQuestion {
        record: after,
        question,
    })
}

/// Every version of a question, oldest first: (number, version id, question).
pub async fn versions(
    db: &Database,
    caller: &Caller,
    id: i64,
) -> ServiceResult<Vec<(i64, i64, Question)>> {
    let mut conn = db.read().await?;
    managed_question(&mut conn, caller, id).await?;
    banks::versions(&mut conn, id)
        .await?
        .into_iter()
        .map(|(n, v, body)| {
            serde_json::from_str(&body)
                .map(|q| (n, v, q))
                .map_err(|e| ServiceError::Internal(format!("question version {v}: {e}")))
        })
        .collect()
}

/// Adds a picture to a question: stored with its bank, its marker appended to the stem (a new
/// version, like any edit; move the marker by editing the text). Returns the picture's id.
pub async fn add_picture(
    db: &Database,
    caller: &Caller,
    question_id: i64,
    bytes: &[u8],
) -> ServiceResult<i64> {
    use gongjiang_domain::exam::picture;
    let record = question(db, caller, question_id).await?;
    if bytes.is_empty() {
        return Err(FieldError::new("file", "empty_file").into());
    }
    if bytes.len() > picture::MAX_BYTES {
        return Err(FieldError::new("file", "picture_too_large")
            .with("max", "2 MB")
            .into());
    }
    let content_type =
        picture::sniff(bytes).ok_or_else(|| FieldError::new("file", "not_a_picture"))?;
    let id = {
        let mut tx = db.begin().await?;
        let id =
            banks::insert_image(&mut tx, record.bank_id, content_type, bytes, now_ms()).await?;
        gongjiang_db::commit(tx).await?;
        id
    };
    let mut q: serde_json::Value =
        serde_json::from_str(&record.body).map_err(|e| ServiceError::Internal(e.to_string()))?;
    let stem = format!(
        "{}{}",
        q["stem"].as_str().unwrap_or_default(),
        picture::marker(id)
    );
    q["stem"] = serde_json::Value::String(stem);
    if let Err(e) = revise(db, caller, question_id, &record.category, q, "picture").await {
        // No picture without the question that shows it.
        let mut tx = db.begin().await?;
        banks::delete_image(&mut tx, id).await?;
        gongjiang_db::commit(tx).await?;
        return Err(e);
    }
    Ok(id)
}

/// A picture, for those who keep its bank or sit an exam drawn from it: (content type, bytes).
pub async fn picture(db: &Database, caller: &Caller, id: i64) -> ServiceResult<(String, Vec<u8>)> {
    let mut conn = db.read().await?;
    let (bank_id, content_type, bytes) = banks::image(&mut conn, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let bank = banks::get_bank(&mut conn, bank_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let keeps = caller.may(Action::ManageBanks, &UnitPath::from_stored(bank.unit_path));
    // An entrant sees a picture only once given a question of the picture's own bank that
    // shows it (in an attempt already started), never the rest of the bank: a marker in
    // another bank's question names nothing.
    let mut sits = false;
    if let (false, Some(person_id)) = (keeps, caller.person_id) {
        let marker = gongjiang_domain::exam::picture::marker(id);
        let mut versions: Vec<i64> = Vec::new();
        for layout in gongjiang_db::attempts::layouts_of_person(&mut conn, person_id).await? {
            let entries: Vec<serde_json::Value> = serde_json::from_str(&layout).unwrap_or_default();
            versions.extend(entries.iter().filter_map(|e| e["v"].as_i64()));
        }
        versions.sort_unstable();
        versions.dedup();
        for v in versions {
            if let Some(body) = banks::version_in_bank(&mut conn, v, bank_id).await?
                && body.contains(&marker)
            {
                sits = true;
                break;
            }
        }
    }
    if keeps || sits {
        Ok((content_type, bytes))
    } else {
        Err(ServiceError::Forbidden)
    }
}
