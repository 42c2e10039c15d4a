//! Online exams (线上题库 / 理论考试): questions and their keys, grading, drawing papers from a
//! bank, and the clock of an attempt. Pure logic, property-tested; storage and pages come on top.

pub mod cloze;
pub mod draw;
pub mod formats;
mod gift;
pub mod grading;
pub mod moodle;
mod moodle_files;
mod moodle_write;
pub mod numeric;
pub mod picture;
pub mod question;
pub mod seeded;
pub mod sheet;
mod sheet_cells;
pub mod stats;
pub mod timing;
