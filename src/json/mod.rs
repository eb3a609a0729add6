//! Reading JSON documents: spans captured on the fast path, located errors on the slow one.

mod diagnose;
mod memo;
mod problems;
mod schema;
mod shape;
mod spanned;
mod syntax;
mod walk;

pub use diagnose::{diagnose, validate};
pub use schema::{Advice, Schema};
pub use spanned::{FromRaw, Number, Spanned, Text, present};
