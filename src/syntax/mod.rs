//! KDL syntax: reading a description into a tree with the spans diagnostics point at
//! ([`reader`], wrapped for the pipeline by [`parse`]), and changing a description's text in
//! place ([`edit`], for `set-image`).

pub mod edit;
pub mod fmt;
pub mod parse;
pub mod reader;
