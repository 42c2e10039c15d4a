//! The inverted index of the search documents, kept by each instance beside the database
//! (tantivy, in a folder or in memory): it finds and ranks the matches of a query among the
//! documents the searcher may see, and counts them, in a time that hardly grows with the
//! number of records. The database stays the record: the index is fed from its change log
//! (`search_docs.seq`), and what the index finds is read back from the database.

mod clauses;

use crate::Query;
use clauses::{every_term, exact, may_see, phrase, raised_by, word, zero};
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::path::Path;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Mutex, RwLock};
use tantivy::collector::{Count, TopDocs};
use tantivy::directory::MmapDirectory;
use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query as Find, TermQuery};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{TextAnalyzer, WhitespaceTokenizer};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

/// The tiers, as parts of a match's score far above any relevance (bm25 stays under
/// `PHRASE_IN_TEXT`): the query whole in the title; all its words in the title; the query
/// whole in the title or body; the rest.
const PHRASE_IN_TITLE: f32 = 400_000.0;
const WORDS_IN_TITLE: f32 = 200_000.0;
const PHRASE_IN_TEXT: f32 = 100_000.0;
/// The title's words count this many times those of the body (as bm25(5, 1) did).
const TITLE_WEIGHT: f32 = 5.0;
/// Bump when the schema or the way documents are written changes: older folders are rebuilt.
const LAYOUT: u32 = 4;

#[derive(Debug, thiserror::Error)]
#[error("search index: {0}")]
pub struct IndexError(String);

impl From<tantivy::TantivyError> for IndexError {
    fn from(e: tantivy::TantivyError) -> Self {
        IndexError(e.to_string())
    }
}

impl From<tantivy::directory::error::OpenDirectoryError> for IndexError {
    fn from(e: tantivy::directory::error::OpenDirectoryError) -> Self {
        IndexError(e.to_string())
    }
}

pub type IndexResult<T> = Result<T, IndexError>;

/// One search document as the index holds it: its words and what the filters read.
#[derive(Debug, Clone, Default)]
pub struct IndexedDoc {
    /// The document's row (`search_docs.id`).
    pub doc_id: i64,
    pub entity: String,
    pub unit_path: String,
    pub published: bool,
    pub fields: Vec<String>,
    pub kind: String,
    pub year: Option<i64>,
    pub level: String,
    pub tier: String,
    /// Space-separated, as `index_words` makes them.
    pub title_words: String,
    pub body_words: String,
    /// The title and body as written (their characters are indexed in order, for phrases).
    pub title: String,
    pub body: String,
}

/// A change of the log, in its order.
#[derive(Debug, Clone)]
pub enum Change {
    Put(Box<IndexedDoc>),
    Remove(i64),
}

/// What narrows a search: each `Some` must hold. `within` is a unit path (`/1/5/`): only
/// documents of that unit's subtree.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub entity: Option<String>,
    pub field: Option<String>,
    pub kind: Option<String>,
    pub year: Option<i64>,
    pub level: Option<String>,
    pub tier: Option<String>,
    pub within: Option<String>,
}

/// Who searches: published documents for everyone, and those under `roots` (unit paths).
#[derive(Debug, Clone, Default)]
pub struct Seen {
    pub roots: Vec<String>,
}

/// A match, as ranked by the index.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ranked {
    pub doc_id: i64,
    /// 0: the query whole in the title; 1: all its words in the title; 2: the query whole in
    /// the body; 3: its words apart.
    pub tier: u8,
    /// Relevance within its tier (bm25, the title's words weighted), higher first.
    pub score: f32,
}

#[derive(Clone, Copy)]
struct Fields {
    doc_id: Field,
    entity: Field,
    units: Field,
    published: Field,
    unit_path: Field,
    field: Field,
    kind: Field,
    year: Field,
    level: Field,
    tier: Field,
    title: Field,
    all: Field,
    title_grams: Field,
    all_grams: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let words = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("words")
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    // Pieces of neighbouring characters (`crate::grams`): only whether a document holds one.
    let pieces = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("words")
            .set_index_option(IndexRecordOption::Basic),
    );
    let fields = Fields {
        doc_id: b.add_i64_field("doc_id", INDEXED | FAST),
        entity: b.add_text_field("entity", STRING),
        units: b.add_text_field("units", STRING),
        published: b.add_i64_field("published", INDEXED | FAST),
        unit_path: b.add_text_field("unit_path", STRING | FAST),
        field: b.add_text_field("field", STRING),
        kind: b.add_text_field("kind", STRING),
        year: b.add_i64_field("year", INDEXED),
        level: b.add_text_field("level", STRING),
        tier: b.add_text_field("tier", STRING),
        title: b.add_text_field("title", words.clone()),
        all: b.add_text_field("all", words),
        title_grams: b.add_text_field("title_grams", pieces.clone()),
        all_grams: b.add_text_field("all_grams", pieces),
    };
    (b.build(), fields)
}

/// The index, and up to which change of the log it holds.
pub struct WordIndex {
    index: Index,
    reader: IndexReader,
    /// None only while `settle` replaces it.
    writer: Mutex<Option<IndexWriter>>,
    fields: Fields,
    /// The name of the database the index was built from (`search_feed.owner`).
    owner: RwLock<String>,
    applied: AtomicI64,
}

impl WordIndex {
    /// Opens the index in `folder` (made if missing; rebuilt empty if it was made by another
    /// layout or from another database than `owner`), or in memory without one. Fails when
    /// another process or instance writes the same folder.
    pub fn open(folder: Option<&Path>, owner: &str, threads: usize) -> IndexResult<WordIndex> {
        let (schema, fields) = schema();
        let mut index = match folder {
            None => Index::create_in_ram(schema),
            Some(folder) => {
                std::fs::create_dir_all(folder).map_err(|e| {
                    IndexError(format!("cannot make the folder {}: {e}", folder.display()))
                })?;
                match Index::open_or_create(MmapDirectory::open(folder)?, schema.clone()) {
                    Ok(index) => index,
                    // Another layout: start again (the database holds every document).
                    Err(_) => {
                        let _ = std::fs::remove_dir_all(folder);
                        std::fs::create_dir_all(folder).map_err(|e| {
                            IndexError(format!("cannot make the folder {}: {e}", folder.display()))
                        })?;
                        Index::open_or_create(MmapDirectory::open(folder)?, schema)?
                    }
                }
            }
        };
        // A search reads the segments side by side: a common word's thousands of matches are
        // scored in half the time on two cores.
        let threads = match threads {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get().min(4)),
            n => n,
        };
        if threads > 1 {
            index.set_multithread_executor(threads)?;
        }
        index.tokenizers().register(
            "words",
            TextAnalyzer::builder(WhitespaceTokenizer::default()).build(),
        );
        let mut writer = new_writer(&index)?;
        let applied = match index.load_metas()?.payload.as_deref().map(parse_payload) {
            Some(Some((layout, made_from, seq))) if layout == LAYOUT && made_from == owner => seq,
            _ => {
                writer.delete_all_documents()?;
                let mut commit = writer.prepare_commit()?;
                commit.set_payload(&format!("{LAYOUT} {owner} -1"));
                commit.commit()?;
                -1
            }
        };
        let reader = index
            .reader_builder()
            // A change is seen once `apply` returns (it reloads); the segments that background
            // merges make are taken up on their own, or a search would go on reading the many
            // small segments they replaced.
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()?;
        Ok(WordIndex {
            index,
            reader,
            writer: Mutex::new(Some(writer)),
            fields,
            owner: RwLock::new(owner.to_owned()),
            applied: AtomicI64::new(applied),
        })
    }

    /// The last change of the log the index holds (-1: none, read everything).
    pub fn applied(&self) -> i64 {
        self.applied.load(Ordering::Acquire)
    }

    /// The name of the database whose log the index holds.
    pub fn owner(&self) -> String {
        self.owner.read().map(|o| o.clone()).unwrap_or_default()
    }

    /// Applies `changes` (in the log's order) and records that the index holds the log up to
    /// `upto`; searches see them once this returns.
    pub fn apply(&self, changes: &[Change], upto: i64) -> IndexResult<()> {
        let mut slot = self.writer()?;
        let writer = slot.as_mut().ok_or_else(gone)?;
        if upto <= self.applied() {
            return Ok(());
        }
        let f = self.fields;
        for change in changes {
            match change {
                Change::Put(d) => {
                    writer.delete_term(Term::from_field_i64(f.doc_id, d.doc_id));
                    writer.add_document(self.document(d))?;
                }
                Change::Remove(id) => {
                    writer.delete_term(Term::from_field_i64(f.doc_id, *id));
                }
            }
        }
        let mut commit = writer.prepare_commit()?;
        commit.set_payload(&format!("{LAYOUT} {} {upto}", self.owner()));
        commit.commit()?;
        self.reader.reload()?;
        self.applied.store(upto, Ordering::Release);
        Ok(())
    }

    /// Waits for the merges of segments under way (a bulk build leaves seconds of them), so
    /// that what follows sees the index as a running server holds it.
    pub fn settle(&self) -> IndexResult<()> {
        let mut slot = self.writer()?;
        let waited = match slot.take() {
            Some(writer) => writer.wait_merging_threads(),
            None => Ok(()),
        };
        *slot = Some(new_writer(&self.index)?);
        waited?;
        self.reader.reload()?;
        Ok(())
    }

    fn writer(&self) -> IndexResult<std::sync::MutexGuard<'_, Option<IndexWriter>>> {
        self.writer
            .lock()
            .map_err(|_| IndexError("the index writer was poisoned".into()))
    }

    /// Forgets every document, to be built again from the log of the database `owner`.
    pub fn clear(&self, owner: &str) -> IndexResult<()> {
        let mut slot = self.writer()?;
        let writer = slot.as_mut().ok_or_else(gone)?;
        writer.delete_all_documents()?;
        let mut commit = writer.prepare_commit()?;
        commit.set_payload(&format!("{LAYOUT} {owner} -1"));
        commit.commit()?;
        if let Ok(mut named) = self.owner.write() {
            owner.clone_into(&mut named);
        }
        self.reader.reload()?;
        self.applied.store(-1, Ordering::Release);
        Ok(())
    }

    fn document(&self, d: &IndexedDoc) -> TantivyDocument {
        let f = self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_i64(f.doc_id, d.doc_id);
        doc.add_text(f.entity, &d.entity);
        for units in unit_prefixes(&d.unit_path) {
            doc.add_text(f.units, units);
        }
        doc.add_i64(f.published, i64::from(d.published));
        doc.add_text(f.unit_path, &d.unit_path);
        for field in &d.fields {
            doc.add_text(f.field, field);
        }
        doc.add_text(f.kind, &d.kind);
        if let Some(year) = d.year {
            doc.add_i64(f.year, year);
        }
        doc.add_text(f.level, &d.level);
        doc.add_text(f.tier, &d.tier);
        doc.add_text(f.title, &d.title_words);
        doc.add_text(f.all, format!("{} {}", d.title_words, d.body_words));
        let title_grams = crate::grams(&d.title);
        doc.add_text(f.all_grams, &title_grams);
        doc.add_text(f.title_grams, title_grams);
        // Apart: no piece joins the title's end to the body's start.
        doc.add_text(f.all_grams, crate::grams(&d.body));
        doc
    }

    /// The matches the searcher may see, in tiers then by relevance, `take` of them after the
    /// first `skip`; and how many match in all.
    pub fn search(
        &self,
        query: &Query,
        filter: &Filter,
        seen: &Seen,
        skip: usize,
        take: usize,
    ) -> IndexResult<(Vec<Ranked>, usize)> {
        if query.is_empty() || take == 0 {
            return Ok((Vec::new(), 0));
        }
        let f = self.fields;
        let mut required: Vec<(Occur, Box<dyn Find>)> = vec![
            (Occur::Must, every_term(f.all, query)?),
            (
                Occur::Must,
                Box::new(ConstScoreQuery::new(may_see(seen), 0.0)),
            ),
        ];
        required.extend(
            self.filters(filter)
                .into_iter()
                .map(|only| (Occur::Must, zero(only))),
        );
        // What raises a match, each apart (see `raised_by`).
        let mut raises: Vec<Box<dyn Find>> = vec![Box::new(ConstScoreQuery::new(
            every_term(f.title, query)?,
            WORDS_IN_TITLE,
        ))];
        raises.extend(query.terms.iter().map(|t| -> Box<dyn Find> {
            Box::new(BoostQuery::new(word(f.title, &t.word), TITLE_WEIGHT))
        }));
        // A query of one character is its own phrase: the tiers of its words say all.
        let pieces = crate::phrase_grams(&query.phrase);
        if let (Some(in_title), Some(in_text)) =
            (phrase(f.title_grams, &pieces), phrase(f.all_grams, &pieces))
        {
            raises.push(Box::new(ConstScoreQuery::new(in_title, PHRASE_IN_TITLE)));
            raises.push(Box::new(ConstScoreQuery::new(in_text, PHRASE_IN_TEXT)));
        }
        let find = raised_by(Box::new(BooleanQuery::new(required)), raises);
        let searcher = self.reader.searcher();
        let (total, top) = searcher.search(
            &find,
            &(
                Count,
                TopDocs::with_limit(take).and_offset(skip).order_by_score(),
            ),
        )?;
        let mut ids = HashMap::new();
        let mut ranked = Vec::with_capacity(top.len());
        for (score, at) in top {
            let column = match ids.entry(at.segment_ord) {
                Entry::Occupied(known) => known.into_mut(),
                Entry::Vacant(new) => new.insert(
                    searcher
                        .segment_reader(at.segment_ord)
                        .fast_fields()
                        .i64("doc_id")?,
                ),
            };
            if let Some(doc_id) = column.first(at.doc_id) {
                ranked.push(Ranked {
                    doc_id,
                    tier: tier_of(score),
                    score: score.rem_euclid(PHRASE_IN_TEXT),
                });
            }
        }
        Ok((ranked, total))
    }

    /// The filters chosen, each a set a match must be in.
    fn filters(&self, filter: &Filter) -> Vec<Box<dyn Find>> {
        let f = self.fields;
        let mut only: Vec<Box<dyn Find>> = [
            (f.entity, &filter.entity),
            (f.field, &filter.field),
            (f.kind, &filter.kind),
            (f.level, &filter.level),
            (f.tier, &filter.tier),
            (f.units, &filter.within),
        ]
        .into_iter()
        .filter_map(|(field, value)| value.as_deref().map(|v| exact(field, v)))
        .collect();
        if let Some(year) = filter.year {
            only.push(Box::new(TermQuery::new(
                Term::from_field_i64(f.year, year),
                IndexRecordOption::Basic,
            )));
        }
        only
    }
}

fn new_writer(index: &Index) -> IndexResult<IndexWriter> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(2));
    Ok(index.writer_with_num_threads(threads, 64_000_000 * threads)?)
}

fn gone() -> IndexError {
    IndexError("the index writer could not be opened again".into())
}

/// The tier a score stands in (see `PHRASE_IN_TITLE`).
fn tier_of(score: f32) -> u8 {
    if score >= PHRASE_IN_TITLE {
        0
    } else if score >= WORDS_IN_TITLE {
        1
    } else if score >= PHRASE_IN_TEXT {
        2
    } else {
        3
    }
}

/// `/1/5/23/` is under `/1/`, `/1/5/` and itself.
fn unit_prefixes(path: &str) -> impl Iterator<Item = &str> {
    path.char_indices()
        .filter(|&(i, c)| c == '/' && i > 0)
        .map(move |(i, _)| &path[..=i])
}

fn parse_payload(payload: &str) -> Option<(u32, String, i64)> {
    let mut parts = payload.split(' ');
    Some((
        parts.next()?.parse().ok()?,
        parts.next()?.to_owned(),
        parts.next()?.parse().ok()?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: i64, title: &str, body: &str, published: bool, unit: &str) -> Change {
        Change::Put(Box::new(IndexedDoc {
            doc_id: id,
            entity: "achievement".into(),
            unit_path: unit.into(),
            published,
            fields: vec!["welding".into()],
            kind: "process".into(),
            year: Some(2026),
            title_words: crate::index_words(title),
            body_words: crate::index_words(body),
            title: title.into(),
            body: body.into(),
            ..Default::default()
        }))
    }

    fn ids(index: &WordIndex, q: &str, seen: &Seen) -> Vec<i64> {
        let (ranked, total) = index
            .search(&Query::parse(q), &Filter::default(), seen, 0, 10)
            .unwrap();
        assert_eq!(ranked.len(), total.min(10));
        ranked.iter().map(|r| r.doc_id).collect()
    }

    #[test]
    fn titles_rank_first_and_rights_and_changes_hold() {
        let index = WordIndex::open(None, "test", 0).unwrap();
        index
            .apply(
                &[
                    doc(
                        1,
                        "车间照明改造",
                        "焊接工艺的说明文字很长很长",
                        true,
                        "/1/2/",
                    ),
                    doc(2, "焊接工艺优化", "一项改进", true, "/1/2/"),
                    doc(3, "焊接工艺内部草稿", "", false, "/1/3/"),
                    doc(4, "电装线束", "PLC200 控制", true, "/1/"),
                ],
                4,
            )
            .unwrap();
        let public = Seen::default();
        assert_eq!(ids(&index, "焊接工艺", &public), vec![2, 1]);
        let staff = Seen {
            roots: vec!["/1/3/".into()],
        };
        assert_eq!(ids(&index, "焊接工艺", &staff), vec![2, 3, 1]);
        // Every unit under the searcher's, or none: the same as one unit's, or as the public.
        let federation = Seen {
            roots: vec!["/1/".into()],
        };
        assert_eq!(ids(&index, "焊接工艺", &federation), vec![2, 3, 1]);
        let elsewhere = Seen {
            roots: vec!["/9/".into(), "/1/4/".into()],
        };
        assert_eq!(ids(&index, "焊接工艺", &elsewhere), vec![2, 1]);
        assert_eq!(ids(&index, "plc", &public), vec![4], "a word's start");
        assert_eq!(ids(&index, "焊", &public), vec![2, 1], "a single character");
        index
            .apply(
                &[Change::Remove(2), doc(1, "车间照明", "", false, "/1/2/")],
                6,
            )
            .unwrap();
        assert!(ids(&index, "焊接工艺", &public).is_empty());
        assert_eq!(index.applied(), 6);
        // Old changes are not applied twice.
        index
            .apply(&[doc(2, "焊接工艺优化", "", true, "/1/")], 5)
            .unwrap();
        assert!(ids(&index, "焊接工艺", &public).is_empty());
    }

    #[test]
    fn the_query_whole_ranks_above_its_words_apart() {
        let index = WordIndex::open(None, "test", 0).unwrap();
        index
            .apply(
                &[
                    doc(1, "车间照明", "焊接和工艺都写到了", true, "/1/"),
                    doc(2, "车间降噪", "一种焊接工艺的改进", true, "/1/"),
                    doc(3, "工艺改进与焊接", "", true, "/1/"),
                    doc(4, "焊接工艺", "", true, "/1/"),
                ],
                4,
            )
            .unwrap();
        let public = |q: &str, skip: usize, take: usize| {
            index
                .search(
                    &Query::parse(q),
                    &Filter::default(),
                    &Seen::default(),
                    skip,
                    take,
                )
                .unwrap()
        };
        let (ranked, total) = public("焊接工艺", 0, 10);
        assert_eq!(total, 4);
        let order: Vec<(i64, u8)> = ranked.iter().map(|r| (r.doc_id, r.tier)).collect();
        assert_eq!(order, vec![(4, 0), (3, 1), (2, 2), (1, 3)]);
        assert!(ranked.iter().all(|r| r.score > 0.0 && r.score < 1000.0));
        // Typed with a space, the phrase is still found whole; a page further on skips.
        let (ranked, _) = public("焊接 工艺", 1, 2);
        let ids: Vec<i64> = ranked.iter().map(|r| r.doc_id).collect();
        assert_eq!(ids, vec![3, 2]);
        // No phrase spans the end of the title and the start of the body.
        index
            .apply(&[doc(5, "焊接", "工艺", true, "/1/")], 5)
            .unwrap();
        let (ranked, _) = public("焊接工艺", 0, 10);
        let five = ranked.iter().find(|r| r.doc_id == 5).unwrap();
        assert_eq!(five.tier, 3);
    }

    #[test]
    fn filters_narrow_and_a_folder_is_kept_for_its_database_only() {
        let dir = std::env::temp_dir().join(format!("gongjiang-index-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        {
            let index = WordIndex::open(Some(&dir), "db-a", 0).unwrap();
            index
                .apply(&[doc(7, "数控机床主轴", "", true, "/4/9/")], 7)
                .unwrap();
            let within = |unit: &str| Filter {
                within: Some(unit.into()),
                ..Default::default()
            };
            let search = |filter: &Filter| {
                index
                    .search(&Query::parse("数控"), filter, &Seen::default(), 0, 5)
                    .unwrap()
                    .1
            };
            assert_eq!(search(&within("/4/")), 1);
            assert_eq!(search(&within("/4/9/")), 1);
            assert_eq!(search(&within("/4/90/")), 0);
            let year = Filter {
                year: Some(2025),
                ..Default::default()
            };
            assert_eq!(search(&year), 0);
        }
        let again = WordIndex::open(Some(&dir), "db-a", 0).unwrap();
        assert_eq!(again.applied(), 7);
        assert_eq!(ids(&again, "数控", &Seen::default()), vec![7]);
        drop(again);
        let other = WordIndex::open(Some(&dir), "db-b", 0).unwrap();
        assert_eq!(other.applied(), -1);
        assert!(ids(&other, "数控", &Seen::default()).is_empty());
        drop(other);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
