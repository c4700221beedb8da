//! The lint rules, one file each.

pub mod database_without_storage;
pub mod nodeport_range;
