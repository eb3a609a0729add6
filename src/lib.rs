//! crma-check: checks sourcing portfolios of critical raw materials against the EU Critical
//! Raw Materials Act (Regulation (EU) 2024/1252) and other sourcing policies written as rules.

pub mod diagnostic;
pub mod json;
pub mod quantity;
pub mod reference;
pub mod source;
