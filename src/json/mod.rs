//! Reading JSON documents: spans captured on the fast path, located errors on the slow one.

mod diagnose;
mod schema;
mod spanned;

pub use diagnose::{Problem, describe_place, describe_value, diagnose, pointer_segments, syntax_error, validate};
pub use schema::{Hint, Schema};
pub use spanned::{FromRaw, Number, Spanned, Text, present};
