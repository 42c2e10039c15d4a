//! Chinese search for the registry, the same on every database: texts become words (jieba's
//! search mode with a dictionary of trades and union terms) plus the character pairs of every
//! Chinese run, so that a word jieba splits badly is still found; a query becomes terms that
//! each must match, as a word or as all of its pairs. The database stores the documents and
//! their space-separated words; `index` matches and ranks them.

mod dictionary;
mod highlight;
pub mod index;

pub use highlight::{Piece, highlight, snippet};

use jieba_rs::Jieba;
use std::sync::OnceLock;

fn jieba() -> &'static Jieba {
    static JIEBA: OnceLock<Jieba> = OnceLock::new();
    JIEBA.get_or_init(|| {
        let mut j = Jieba::new();
        for word in dictionary::WORDS
            .lines()
            .map(str::trim)
            .filter(|w| !w.is_empty() && !w.starts_with('#'))
        {
            // A high frequency makes jieba keep the term whole.
            j.add_word(word, Some(50_000), None);
        }
        j
    })
}

/// Names the way texts become words: the segmentation rules (bump `RULES` when
/// `index_words` changes) and the dictionary's content. An index built under another
/// fingerprint is rebuilt (`gongjiang_app::search_index`).
pub fn fingerprint() -> String {
    const RULES: u32 = 1;
    // FNV-1a: stable across toolchains, unlike the standard library's hasher.
    let hash = dictionary::WORDS
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
    format!("{RULES}-{hash:016x}")
}

/// Loads the dictionary now (about a fifth of a second) rather than on the first search.
pub fn warm_up() {
    let _ = jieba();
}

pub(crate) fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{2A6DF}')
}

/// Words that carry no meaning on their own, left out of queries.
const STOP: &[&str] = &[
    "的", "了", "和", "与", "及", "或", "在", "是", "对", "等", "之", "把", "被",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Run {
    Han,
    Latin,
}

/// The runs of Chinese characters and of letters and digits in `text`; all else separates.
fn runs(text: &str) -> Vec<(Run, String)> {
    let mut out: Vec<(Run, String)> = Vec::new();
    for c in text.chars() {
        let kind = if is_han(c) {
            Some(Run::Han)
        } else if c.is_alphanumeric() {
            Some(Run::Latin)
        } else {
            None
        };
        match (kind, out.last_mut()) {
            (Some(k), Some((last, s))) if *last == k && !s.is_empty() => s.push(c),
            (Some(k), _) => out.push((k, c.to_string())),
            (None, Some((_, s))) if !s.is_empty() => out.push((Run::Latin, String::new())),
            (None, _) => {}
        }
    }
    out.retain(|(_, s)| !s.is_empty());
    out.into_iter()
        .map(|(k, s)| match k {
            // Full-width letters and digits read as their ASCII forms; case does not matter.
            Run::Latin => (k, normalise_latin(&s)),
            Run::Han => (k, s),
        })
        .collect()
}

fn normalise_latin(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

fn pairs(han: &str) -> Vec<String> {
    let chars: Vec<char> = han.chars().collect();
    chars.windows(2).map(|w| w.iter().collect()).collect()
}

/// The words under which `text` is found, space-separated (what the database indexes).
pub fn index_words(text: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    for (kind, run) in runs(text) {
        match kind {
            Run::Latin => words.push(run),
            Run::Han => {
                for w in jieba().cut_for_search(&run, true) {
                    if w.chars().count() >= 2 || !STOP.contains(&w) {
                        words.push(w.to_owned());
                    }
                }
                words.extend(pairs(&run));
                // A single character of a query matches the words it begins; the last one of
                // a run begins none, so it is a word of its own.
                if let Some(last) = run.chars().last().map(String::from)
                    && !STOP.contains(&last.as_str())
                {
                    words.push(last);
                }
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    words.retain(|w| seen.insert(w.clone()));
    words.join(" ")
}

/// The longest piece of text indexed whole (see `grams`).
pub const GRAM: usize = 4;

/// The characters of `text` (white space left out, letters lower-case and half-width), for
/// finding a query typed whole.
fn gram_chars(text: &str) -> Vec<char> {
    normalise_latin(text)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// Every piece of two to `GRAM` neighbouring characters of `text`, once each, space-separated:
/// a query typed whole is found as one of them, or (when longer) as all of its pieces of
/// `GRAM` characters. White space is left out, so "数控 机床" is found in "数控机床".
pub fn grams(text: &str) -> String {
    let chars = gram_chars(text);
    // Pieces are told apart as slices of `chars`: no string is made for one already seen.
    let mut seen: std::collections::HashSet<&[char]> =
        std::collections::HashSet::with_capacity(chars.len() * (GRAM - 1));
    let mut out = String::with_capacity(chars.len() * 24);
    for start in 0..chars.len() {
        for len in 2..=GRAM {
            let Some(piece) = chars.get(start..start + len) else {
                break;
            };
            if seen.insert(piece) {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.extend(piece);
            }
        }
    }
    out
}

/// The pieces (as `grams` makes them) that a text holding `phrase` whole holds: the phrase
/// itself up to `GRAM` characters, else each of its pieces of `GRAM` characters; none for one
/// character. A longer phrase is taken as found when all its pieces are, which for words
/// written by people is the phrase itself.
pub fn phrase_grams(phrase: &str) -> Vec<String> {
    let chars = gram_chars(phrase);
    if chars.len() < 2 {
        return Vec::new();
    }
    if chars.len() <= GRAM {
        return vec![chars.iter().collect()];
    }
    let mut pieces: Vec<String> = chars.windows(GRAM).map(|w| w.iter().collect()).collect();
    pieces.sort();
    pieces.dedup();
    pieces
}

/// One term of a query: found as the word itself, or (for Chinese words of three or more
/// characters) as all of its character pairs; a single character matches words it begins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub word: String,
    pub pairs: Vec<String>,
    pub prefix: bool,
}

/// A query: every term must match. Empty when the text has nothing searchable.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pub terms: Vec<Term>,
    /// The query as typed (trimmed, letters lower-case and half-width): a record that holds it
    /// whole ranks above one that holds its words apart.
    pub phrase: String,
}

impl Query {
    pub fn parse(text: &str) -> Query {
        let mut terms: Vec<Term> = Vec::new();
        for (kind, run) in runs(text) {
            match kind {
                // Letters and digits match words they begin: "plc" finds "plc200".
                Run::Latin => terms.push(Term {
                    word: run,
                    pairs: Vec::new(),
                    prefix: true,
                }),
                Run::Han => {
                    for w in jieba().cut(&run, true) {
                        let n = w.chars().count();
                        if n == 1 && STOP.contains(&w) {
                            continue;
                        }
                        terms.push(Term {
                            word: w.to_owned(),
                            pairs: if n >= 3 { pairs(w) } else { Vec::new() },
                            prefix: n == 1,
                        });
                    }
                }
            }
        }
        terms.dedup_by(|a, b| a.word == b.word);
        terms.truncate(12);
        Query {
            terms,
            phrase: normalise_latin(text.trim()).chars().take(100).collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Every string a match may show, longest first (for highlighting).
    pub fn shown(&self) -> Vec<String> {
        let mut all: Vec<String> = self
            .terms
            .iter()
            .flat_map(|t| std::iter::once(t.word.clone()).chain(t.pairs.iter().cloned()))
            .collect();
        all.sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
        all.dedup();
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn found(text: &str, query: &str) -> bool {
        let words: std::collections::HashSet<String> =
            index_words(text).split(' ').map(str::to_owned).collect();
        let q = Query::parse(query);
        !q.is_empty()
            && q.terms.iter().all(|t| {
                words.contains(&t.word)
                    || (t.prefix && words.iter().any(|w| w.starts_with(&t.word)))
                    || (!t.pairs.is_empty() && t.pairs.iter().all(|p| words.contains(p)))
            })
    }

    #[test]
    fn badly_split_words_are_still_found() {
        assert!(found("203所电装车间的线束工艺改进", "电装"));
        assert!(found("高速动车组转向架焊接变形控制", "转向架"));
        assert!(found("高速动车组转向架焊接变形控制", "焊接变形"));
        assert!(found("基于PLC的连铸机自动控制系统", "plc"));
        assert!(found("基于ＰＬＣ的连铸机自动控制系统", "PLC 连铸"));
        assert!(!found("基于PLC的连铸机自动控制系统", "焊接"));
        assert!(found("数控机床主轴故障诊断", "数控"));
        assert!(found("焊接机器人", "焊"));
    }

    #[test]
    fn query_syntax_is_built_from_plain_words_only() {
        let q = Query::parse("电装线束 \"'); DROP TABLE x; --");
        for t in &q.terms {
            assert!(t.word.chars().all(|c| c.is_alphanumeric()));
        }
        assert!(Query::parse("的 ，。").is_empty());
    }

    #[test]
    fn pieces_of_a_phrase() {
        assert_eq!(grams("数控 机"), "数控 数控机 控机");
        assert!(phrase_grams("焊").is_empty());
        assert_eq!(phrase_grams("ＰＬＣ 控制"), vec!["lc控制", "plc控"]);
        assert_eq!(phrase_grams("焊接工艺"), vec!["焊接工艺"]);
    }

    proptest! {
        /// A text holds every piece of each phrase it holds whole.
        #[test]
        fn a_phrase_held_whole_is_found_by_its_pieces(text in "[连铸焊接电装数控机床工艺改进abc12 ]{1,40}", start in 0usize..40, len in 2usize..10) {
            let chars: Vec<char> = text.chars().collect();
            prop_assume!(start + len <= chars.len());
            let phrase: String = chars[start..start + len].iter().collect();
            let held = grams(&text);
            let held: std::collections::HashSet<&str> = held.split(' ').collect();
            for piece in phrase_grams(&phrase) {
                prop_assert!(held.contains(piece.as_str()), "{piece} of {phrase} in {text}");
            }
        }

        /// A text holding a word of three or more Chinese characters holds all its pairs: the
        /// index lets the pairs decide whether such a word matches (`index::every_term`).
        #[test]
        fn a_long_word_comes_with_its_pairs(text in "[连铸焊接电装数控机床工艺改进创新工作室高速动车组abc12 ]{1,40}") {
            let words = index_words(&text);
            let words: std::collections::HashSet<&str> = words.split(' ').collect();
            for w in &words {
                if w.chars().count() >= 3 && w.chars().all(is_han) {
                    for pair in pairs(w) {
                        prop_assert!(words.contains(pair.as_str()), "{pair} of {w} in {text}");
                    }
                }
            }
        }

        /// Whatever the text, every query made from a piece of it finds it.
        #[test]
        fn a_piece_of_a_text_finds_the_text(text in "[连铸焊接电装数控机床工艺改进创新工作室高速动车组abc12 ]{1,40}", start in 0usize..40, len in 1usize..8) {
            let chars: Vec<char> = text.chars().collect();
            let start = start.min(chars.len().saturating_sub(1));
            let piece: String = chars[start..(start + len).min(chars.len())].iter().collect();
            // Letters and digits are found from the start of their word, not from its middle.
            prop_assume!(start == 0 || !(chars[start].is_ascii_alphanumeric() && chars[start - 1].is_ascii_alphanumeric()));
            let q = Query::parse(&piece);
            prop_assume!(!q.is_empty());
            prop_assert!(found(&text, &piece), "{piece} in {text}: {:?}", q);
        }
    }
}
