//! The domain of gongjiang: types that parse their input, and the rules of units, accounts,
//! authorization, audit and imports. It knows neither HTTP nor SQL.

pub mod account;
pub mod audit;
pub mod authz;
pub mod clock;
pub mod competition;
pub mod error;
pub mod exam;
pub mod import;
pub mod person;
pub mod registry;
pub mod review;
pub mod text_encoding;
pub mod token_scope;
pub mod unit;

pub use error::{FieldError, Invalid};
