//! The domain dictionary: trades, union terms and technical words that jieba's general
//! dictionary splits or does not know. One word per line; `#` starts a comment.

pub const WORDS: &str = include_str!("dictionary.txt");
