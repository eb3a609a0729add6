//! Reading JSON documents: spans captured on the fast path, located errors on the slow one.

mod diagnose;
mod schema;
mod spanned;

pub use diagnose::{diagnose, validate};
pub use schema::{Advice, Schema};
pub use spanned::{FromRaw, Number, Spanned, Text, present};
