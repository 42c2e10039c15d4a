//! The clauses a search's query is built of, each shaped for the way tantivy reads it: what the
//! searcher may see, the query's terms, its phrase, and what raises a match's score.

use super::{IndexResult, Seen};
use crate::Query;
use std::ops::{Bound, Range};
use tantivy::columnar::{Column, TermOrdHit};
use tantivy::query::doc_predicate_query::{
    ConstOrVariableSegmentPredicate, DocPredicate, DocPredicateQuery, SegmentDocPredicate,
};
use tantivy::query::{
    AllScorer, BooleanQuery, ConstScoreQuery, EmptyQuery, Occur, Query as Find, RangeQuery,
    TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, SegmentReader, Term};

/// Publication and rights: published, or under one of the searcher's units. Read from each
/// candidate's columns: as a union of postings (published, or any of the units) it was read
/// whole, ahead of the candidates, in every search.
pub(super) fn may_see(seen: &Seen) -> Box<dyn Find> {
    Box::new(DocPredicateQuery::from(MaySee {
        roots: seen.roots.clone(),
    }))
}

#[derive(Debug)]
struct MaySee {
    roots: Vec<String>,
}

/// `MaySee` in one segment: the unit paths under the roots are stretches of the ordinals of
/// the column's sorted dictionary.
struct MaySeeIn {
    published: Column<i64>,
    /// None when no document of the segment has a unit.
    unit_of: Option<Column<u64>>,
    under: Vec<Range<u64>>,
}

impl SegmentDocPredicate for MaySeeIn {
    fn eval(&mut self, doc: DocId) -> bool {
        self.published.first(doc) == Some(1)
            || self.unit_of.as_ref().is_some_and(|unit_of| {
                unit_of
                    .first(doc)
                    .is_some_and(|unit| self.under.iter().any(|r| r.contains(&unit)))
            })
    }
}

impl DocPredicate for MaySee {
    type SegmentDocPredicate = MaySeeIn;

    fn doc_predicate(
        &self,
        segment: &SegmentReader,
    ) -> tantivy::Result<ConstOrVariableSegmentPredicate<MaySeeIn>> {
        let columns = segment.fast_fields();
        let published = columns.i64("published")?;
        let units = columns.str("unit_path")?;
        let mut under = Vec::new();
        if let Some(units) = &units {
            let dictionary = units.dictionary();
            // The ordinal of `key`, or of the first term after it.
            let first_from = |key: &str| -> std::io::Result<u64> {
                Ok(match dictionary.term_ord_or_next(key)? {
                    TermOrdHit::Exact(ord) | TermOrdHit::Next(ord) => ord,
                })
            };
            for root in &self.roots {
                let from = first_from(root)?;
                let upto = first_from(&format!("{root}{}", char::MAX))?;
                if from < upto {
                    under.push(from..upto);
                }
            }
            // Every document of the segment has a unit under the roots (staff of the
            // federation at the top): nothing to read for each one.
            let terms = units.num_terms() as u64;
            if units.ords().get_cardinality().is_full()
                && under.iter().any(|r| r.start == 0 && r.end >= terms)
            {
                return Ok(ConstOrVariableSegmentPredicate::Const(true));
            }
        }
        Ok(ConstOrVariableSegmentPredicate::Variable {
            predicate: MaySeeIn {
                published,
                unit_of: units.map(|u| u.ords().clone()),
                under,
            },
            necessary_condition: Box::new(AllScorer::new(segment.max_doc())),
        })
    }
}

/// `required`, its score raised by each of `raises` a match is in. Nested one inside the
/// other, each is asked only about the matches of `required`: side by side, tantivy reads
/// them as one union, buffered ahead, and scores thousands of documents that never match.
pub(super) fn raised_by(required: Box<dyn Find>, raises: Vec<Box<dyn Find>>) -> Box<dyn Find> {
    raises.into_iter().fold(required, |find, raise| {
        Box::new(BooleanQuery::new(vec![
            (Occur::Must, find),
            (Occur::Should, raise),
        ]))
    })
}

pub(super) fn zero(find: Box<dyn Find>) -> Box<dyn Find> {
    Box::new(ConstScoreQuery::new(find, 0.0))
}

/// Every piece of a phrase in `field`; none for a phrase of one character.
pub(super) fn phrase(field: Field, pieces: &[String]) -> Option<Box<dyn Find>> {
    match pieces {
        [] => None,
        [one] => Some(exact(field, one)),
        many => Some(Box::new(BooleanQuery::new(
            many.iter()
                .map(|p| (Occur::Must, exact(field, p)))
                .collect(),
        ))),
    }
}

pub(super) fn exact(field: Field, value: &str) -> Box<dyn Find> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, value),
        IndexRecordOption::Basic,
    ))
}

pub(super) fn word(field: Field, w: &str) -> Box<dyn Find> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, w),
        IndexRecordOption::WithFreqs,
    ))
}

/// Every term of the query in `field`: each as its word, as all of its character pairs, or
/// (a single character, letters and digits) as the start of a word — as `Query` defines.
pub(super) fn every_term(field: Field, query: &Query) -> IndexResult<Box<dyn Find>> {
    let mut all: Vec<(Occur, Box<dyn Find>)> = Vec::new();
    for t in &query.terms {
        if !t.pairs.is_empty() {
            // A text holds a word only if it holds all its pairs (`index_words` indexes every
            // pair of a run): the pairs decide, the word only raises the score. As two ways to
            // match, the word and the pairs were read as one union, ahead of the matches.
            let mut pairs: Vec<(Occur, Box<dyn Find>)> = t
                .pairs
                .iter()
                .map(|p| (Occur::Must, word(field, p)))
                .collect();
            pairs.push((Occur::Should, word(field, &t.word)));
            all.push((Occur::Must, Box::new(BooleanQuery::new(pairs))));
            continue;
        }
        let mut any: Vec<(Occur, Box<dyn Find>)> = vec![(Occur::Should, word(field, &t.word))];
        if t.prefix {
            // The words it begins are one stretch of the sorted term dictionary: read as a
            // range, with no pattern to compile for each query (a regex cost a search with a
            // single character, such as 白 in 白车身, as much as the rest of it).
            let from = Term::from_field_text(field, &t.word);
            let upto = Term::from_field_text(field, &format!("{}{}", t.word, char::MAX));
            any.push((
                Occur::Should,
                Box::new(RangeQuery::new(
                    Bound::Excluded(from),
                    Bound::Included(upto),
                )),
            ));
        }
        all.push((Occur::Must, Box::new(BooleanQuery::new(any))));
    }
    if all.is_empty() {
        return Ok(Box::new(EmptyQuery));
    }
    Ok(Box::new(BooleanQuery::new(all)))
}
