//! The random inspection draws (双随机、一公开): registries, the RFC 3797 selection, the draw
//! with strata and teams, its published record and verification, the tamper-evident log and
//! the publication deadline.

pub mod calendar;
pub mod chain;
pub mod columns;
pub mod conflict;
pub mod draw;
pub mod record;
pub mod registry;
pub mod rfc3797;
pub mod uscc;
